using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Xfs;

/// <summary>
/// XFS images built once per test run by mkfs.xfs -p PROTOFILE (xfsprogs 6.1 cannot populate from a directory)
/// from one source tree, in a temporary directory, cross-checked with xfs_db.
/// </summary>
internal static class XfsTestImages
{
    public const string UnicodeName = "Grüße-日本語-ñ.txt";
    /// <summary>Longer than any inode's data fork, so the link is stored in a remote block.</summary>
    public static readonly string LongLinkTarget = "deep/" + string.Join('/', Enumerable.Range(1, 90).Select(i => $"d{i:D2}")) + "/leaf.txt";

    /// <summary>Directory name → entry count: short form, block, leaf, node (and a B+tree data fork).</summary>
    public static readonly IReadOnlyDictionary<string, int> Directories = new Dictionary<string, int>
    {
        ["d5"] = 5,
        ["d40"] = 40,
        ["d100"] = 100,
        ["d2000"] = 2000,
        ["d50000"] = 50_000,
    };

    public static readonly IReadOnlyDictionary<string, string[]> Configurations = new Dictionary<string, string[]>
    {
        ["v5"] = [],
        ["v4"] = ["-m", "crc=0", "-n", "ftype=0"],
        ["v5-1k-dir8k"] = ["-b", "size=1024", "-n", "size=8192"],
    };

    private static readonly string Root = RunScratchDirectory.Create("vmie-xfs-tests");
    private static readonly Lazy<string> Source = new(BuildSource);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Images = new();


    public static TheoryData<string> Names => [.. Configurations.Keys];

    public static string SourceTree => Source.Value;

    /// <summary>The image file for a configuration (skips when xfsprogs is missing, fails under CI).</summary>
    public static string Image(string name)
    {
        RequiredTool.Require("mkfs.xfs", "xfsprogs");
        RequiredTool.Require("xfs_db", "xfsprogs");
        return Images.GetOrAdd(name, key => new Lazy<string>(() => Build(key))).Value;
    }

    /// <summary>A private copy of an image, for tests that damage it.</summary>
    public static string Copy(string name, string purpose)
    {
        var copy = Path.Combine(Root, $"{name}-{purpose}.img");
        var image = Image(name);

        // File.Copy writes every byte of a 512 MiB image; cp keeps its holes.
        File.Delete(copy);
        ExternalTool.Run("cp", "coreutils", "--sparse=always", image, copy);
        return copy;
    }

    /// <summary>Runs xfs_db read-only with the commands given, returning its output.</summary>
    public static string XfsDb(string image, params string[] commands)
    {
        var arguments = new List<string> { "-r" };
        foreach (var command in commands)
        {
            arguments.Add("-c");
            arguments.Add(command);
        }

        arguments.Add(image);
        return ExternalTool.Run("xfs_db", "xfsprogs", [.. arguments]);
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }


    private static string Build(string name)
    {
        var image = Path.Combine(Root, name + ".img");
        var proto = Path.Combine(Root, "proto");
        lock (Images)
        {
            if (!File.Exists(proto))
            {
                File.WriteAllText(proto, Protofile(SourceTree), new UTF8Encoding(false));
            }
        }

        using (var file = new FileStream(image, FileMode.Create))
        {
            file.SetLength(512L << 20);
        }

        ExternalTool.Run("mkfs.xfs", "xfsprogs", [.. Configurations[name], "-q", "-f", "-L", name, "-p", proto, image]);
        if (name.StartsWith("v5", StringComparison.Ordinal))
        {
            AddRemoteLinkHeader(image, "long-link");
            ExternalTool.Run("xfs_repair", "xfsprogs", "-n", image);
        }

        return image;
    }

    /// <summary>
    /// mkfs.xfs 6.1 -p writes a v5 remote symbolic link's target without its "XSLM" block header, which the
    /// kernel, xfs_repair and this reader all refuse; write the header the kernel would have written.
    /// </summary>
    private static void AddRemoteLinkHeader(string image, string name)
    {
        var listing = XfsDb(image, "ls /").Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(fields => fields.Length > 5 && fields[5] == name);
        var inode = ulong.Parse(listing[1], System.Globalization.CultureInfo.InvariantCulture);
        var fsBlock = XfsDb(image, $"path /{name}", "bmap").Split("startblock ")[1].Split(' ')[0];
        var offset = long.Parse(XfsDb(image, $"convert fsblock {fsBlock} byte").Split('(')[1].Split(')')[0], System.Globalization.CultureInfo.InvariantCulture);
        var target = Encoding.UTF8.GetBytes(new FileInfo(Path.Combine(SourceTree, name)).LinkTarget!);
        using var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        var uuid = new byte[16];
        file.Position = 0x20;
        file.ReadExactly(uuid);
        var blockSize = new byte[4];
        file.Position = 4;
        file.ReadExactly(blockSize);
        var block = new byte[BinaryPrimitives.ReadUInt32BigEndian(blockSize)];
        "XSLM"u8.CopyTo(block);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(8), (uint)target.Length);
        uuid.CopyTo(block, 16);
        BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(32), inode);
        BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(40), (ulong)offset / 512);
        target.CopyTo(block, 56);
        XfsImagePatches.Checksum(block, 12);
        file.Position = offset;
        file.Write(block);
    }

    /// <summary>mkfs.xfs(8) prototype: a dummy line, two ignored numbers, the root, then "name mode uid gid [source|target]" with "$" closing each directory.</summary>
    private static string Protofile(string source)
    {
        var text = new StringBuilder("vmie\n0 0\nd--755 0 0\n");
        AppendDirectory(text, source);
        text.Append("$\n");
        return text.ToString();
    }

    private static void AppendDirectory(StringBuilder text, string directory)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            var name = info.Name;
            if (info.LinkTarget is { } target)
            {
                text.Append($"{name} l--777 0 0 {target}\n");
            }
            else if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                text.Append($"{name} d--755 0 0\n");
                AppendDirectory(text, path);
                text.Append("$\n");
            }
            else
            {
                text.Append($"{name} ---644 0 0 {path}\n");
            }
        }
    }

    private static string BuildSource()
    {
        var source = Path.Combine(Root, "source");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "empty"), []);
        File.WriteAllBytes(Path.Combine(source, "one"), "x"u8.ToArray());
        File.WriteAllBytes(Path.Combine(source, "f4095"), Pattern(4095, 1));
        File.WriteAllBytes(Path.Combine(source, "f4096"), Pattern(4096, 2));
        File.WriteAllBytes(Path.Combine(source, "f50k"), Pattern(50_000, 3));
        File.WriteAllBytes(Path.Combine(source, "mib"), Pattern(1 << 20, 4));
        Directory.CreateDirectory(Path.Combine(source, "etc"));
        File.WriteAllText(Path.Combine(source, "etc", "os-release"), "ID=rhel\nVERSION_ID=\"9.4\"\n");
        File.WriteAllText(Path.Combine(source, UnicodeName), "unicode\n");
        Directory.CreateDirectory(Path.Combine(source, "emptydir"));
        var deep = Path.Combine(source, Path.GetDirectoryName(LongLinkTarget)!);
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(source, LongLinkTarget), "deep leaf\n");
        File.CreateSymbolicLink(Path.Combine(source, "short-link"), "one");
        File.CreateSymbolicLink(Path.Combine(source, "long-link"), LongLinkTarget);
        File.CreateSymbolicLink(Path.Combine(source, "absolute-link"), "/etc/os-release");
        File.CreateSymbolicLink(Path.Combine(source, "dangling-link"), "/nowhere/at/all");
        File.CreateSymbolicLink(Path.Combine(source, "dir-link"), "deep/d01");
        foreach (var (directory, count) in Directories)
        {
            var path = Path.Combine(source, directory);
            Directory.CreateDirectory(path);
            for (var i = 0; i < count; i++)
            {
                // A few entries carry data so reads through large directories are checked too.
                File.WriteAllText(Path.Combine(path, $"entry-with-a-longish-name-{i:D5}"), i % 997 == 0 ? $"{i}\n" : "");
            }
        }

        return source;
    }
}
