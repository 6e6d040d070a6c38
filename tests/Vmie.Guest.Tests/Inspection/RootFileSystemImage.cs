using System.Text;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// Makes a guest root file system image from a directory tree without root: mkfs.ext4 -d, mkfs.xfs -p PROTOFILE
/// (xfsprogs 6.1 cannot populate from a directory), mkfs.btrfs --rootdir, or btrfs-convert of the ext4 image.
/// </summary>
internal static class RootFileSystemImage
{
    /// <summary>The image file of <paramref name="size"/> bytes (sparse) holding <paramref name="tree"/>, with UUID <paramref name="uuid"/>.</summary>
    public static string Build(string name, string tree, RootFileSystemKind kind, long size, string uuid)
    {
        var image = ExternalTool.SparseFile(name + "." + kind.ToString().ToLowerInvariant(), size);
        switch (kind)
        {
            case RootFileSystemKind.Ext4:
                ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-F", "-U", uuid, "-d", tree, image);
                break;
            case RootFileSystemKind.Xfs:
                var proto = ExternalTool.ScratchPath(name + ".proto");
                File.WriteAllText(proto, Protofile(tree), new UTF8Encoding(false));
                ExternalTool.Run("mkfs.xfs", "xfsprogs", "-q", "-f", "-m", "uuid=" + uuid, "-p", proto, image);
                File.Delete(proto);
                break;
            case RootFileSystemKind.Btrfs:
                ExternalTool.Run("mkfs.btrfs", "btrfs-progs", "-q", "-f", "-U", uuid, "--rootdir", tree, image);
                break;
            case RootFileSystemKind.BtrfsWithSubvolume:
                ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-F", "-b", "4096", "-U", uuid, "-d", tree, image);
                ExternalTool.Run("btrfs-convert", "btrfs-progs", "--uuid", "copy", image);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }

        return image;
    }

    /// <summary>The type fstab names for <paramref name="kind"/>.</summary>
    public static string FstabType(RootFileSystemKind kind) => kind switch
    {
        RootFileSystemKind.Ext4 => "ext4",
        RootFileSystemKind.Xfs => "xfs",
        _ => "btrfs",
    };

    /// <summary>
    /// mkfs.xfs(8) prototype: a dummy line, two ignored numbers, the root, then "name mode uid gid [source|target]"
    /// with "$" closing each directory. /dev is left empty (a minbase rootfs has its device nodes there; a running
    /// guest mounts devtmpfs over it) and names with white space are left out (the format cannot carry them;
    /// a minbase rootfs has none).
    /// </summary>
    private static string Protofile(string tree)
    {
        var text = new StringBuilder("vmie\n0 0\nd--755 0 0\n");
        AppendDirectory(text, tree, isRoot: true);
        text.Append("$\n");
        return text.ToString();
    }

    private static void AppendDirectory(StringBuilder text, string directory, bool isRoot)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            var name = info.Name;
            if (name.Any(char.IsWhiteSpace))
            {
                continue;
            }

            if (info.LinkTarget is { } target)
            {
                text.Append($"{name} l--777 0 0 {target}\n");
            }
            else if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                text.Append($"{name} d--755 0 0\n");
                if (!(isRoot && name == "dev"))
                {
                    AppendDirectory(text, path, isRoot: false);
                }

                text.Append("$\n");
            }
            else
            {
                var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
                text.Append($"{name} ---{(executable ? "755" : "644")} 0 0 {path}\n");
            }
        }
    }
}
