using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Vmie.Guest.FileSystems.Btrfs;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Btrfs;

/// <summary>
/// Btrfs images built once per test run with mkfs.btrfs --rootdir (and btrfs-convert, which makes a real
/// subvolume) from one source tree, and the btrfs inspect-internal dump-tree output that cross-checks them and
/// tells tests where items lie for damage tests.
/// </summary>
internal static partial class BtrfsTestImages
{
    public const string LongLinkTarget = "deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/leaf.txt";
    public const string UnicodeName = "Grüße-日本語-ñ.txt";
    public const int ManyCount = 3000;
    public const int CompressibleLength = 64 << 10;

    public static readonly IReadOnlyDictionary<string, string[]> Configurations = new Dictionary<string, string[]>
    {
        ["default"] = [],
        ["xxhash"] = ["--csum", "xxhash"],
        ["sha256"] = ["--csum", "sha256"],
        ["blake2"] = ["--csum", "blake2"],
        ["node4k-single"] = ["-n", "4096", "-m", "single", "-d", "single"],
        ["node64k-dup"] = ["-n", "65536", "-m", "dup", "-d", "dup"],
        ["mixed"] = ["-M", "-n", "4096"],
        ["explicit-holes"] = ["-O", "^no-holes"],
    };

    private static readonly string Root = RunScratchDirectory.Create("vmie-btrfs-tests");
    private static readonly Lazy<string> Source = new(BuildSource);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Images = new();


    public static TheoryData<string> Names => [.. Configurations.Keys];

    public static string SourceTree => Source.Value;

    /// <summary>The image for a configuration (skips when btrfs-progs is missing, fails under CI).</summary>
    public static string Image(string name)
    {
        RequiredTool.Require("mkfs.btrfs", "btrfs-progs");
        RequiredTool.Require("btrfs", "btrfs-progs");
        return Images.GetOrAdd(name, key => new Lazy<string>(() => Build(key))).Value;
    }

    /// <summary>An ext4 image of the source tree converted in place by btrfs-convert: it carries the subvolume "ext2_saved".</summary>
    public static string ConvertedImage() => Images.GetOrAdd("converted", _ => new Lazy<string>(() =>
    {
        RequiredTool.Require("btrfs-convert", "btrfs-progs");
        var image = SparseFile("converted.img");
        ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-F", "-b", "4096", "-d", SourceTree, image);
        ExternalTool.Run("btrfs-convert", "btrfs-progs", "-L", image);
        return image;
    })).Value;

    /// <summary>A private, sparse copy of an image, for tests that damage it.</summary>
    public static string Copy(string name, string purpose)
    {
        var copy = Path.Combine(Root, $"{name}-{purpose}.img");
        using var input = File.OpenRead(name == "converted" ? ConvertedImage() : Image(name));
        using var output = new FileStream(copy, FileMode.Create, FileAccess.Write);
        output.SetLength(input.Length);
        var chunk = new byte[1 << 20];
        int read;
        while ((read = input.Read(chunk)) > 0)
        {
            // Zero runs stay holes: a dozen damaged copies cost megabytes, not gigabytes.
            if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                output.Write(chunk, 0, read);
            }
            else
            {
                output.Seek(read, SeekOrigin.Current);
            }
        }

        return copy;
    }

    public static string DumpTree(string image, string tree) =>
        ExternalTool.Run("btrfs", "btrfs-progs", "inspect-internal", "dump-tree", "-t", tree, image);

    /// <summary>Where dump-tree shows the first item matching <paramref name="keyPattern"/>: its leaf's logical address and the item's offset in the leaf's data area.</summary>
    public static (ulong Leaf, int ItemOffset, int ItemSize) FindItem(string dump, string keyPattern)
    {
        ulong leaf = 0;
        foreach (var line in dump.Split('\n'))
        {
            var leafMatch = LeafLine().Match(line);
            if (leafMatch.Success)
            {
                leaf = ulong.Parse(leafMatch.Groups[1].Value, CultureInfo.InvariantCulture);
                continue;
            }

            var item = ItemLine().Match(line);
            if (item.Success && Regex.IsMatch(item.Groups[1].Value, keyPattern))
            {
                return (leaf, int.Parse(item.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(item.Groups[3].Value, CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"dump-tree shows no item with key {keyPattern}.");
    }

    /// <summary>Every DIR_INDEX item dump-tree shows: directory inode and name.</summary>
    public static List<(ulong Directory, string Name)> DirIndexEntries(string dump)
    {
        var entries = new List<(ulong, string)>();
        ulong? directory = null;
        foreach (var line in dump.Split('\n'))
        {
            var item = ItemLine().Match(line);
            if (item.Success)
            {
                var key = item.Groups[1].Value.Split(' ');
                directory = key[1] == "DIR_INDEX" ? ulong.Parse(key[0], CultureInfo.InvariantCulture) : null;
                continue;
            }

            var trimmed = line.TrimStart();
            if (directory is { } dir && trimmed.StartsWith("name: ", StringComparison.Ordinal))
            {
                entries.Add((dir, trimmed["name: ".Length..]));
                directory = null;
            }
        }

        return entries;
    }

    /// <summary>Rewrites bytes of a tree block (at its first copy) and its crc32c checksum.</summary>
    public static async Task PatchTreeBlockAsync(string image, ulong logical, Action<byte[]> patch)
    {
        long physical;
        int nodeSize;
        await using (var source = Vmie.Disks.Sources.FileBlockSource.Open(image))
        {
            await using var fs = await BtrfsFileSystem.OpenAsync(source);
            physical = fs.MapLogical(logical).Physical;
            nodeSize = fs.NodeSize;
        }

        var block = new byte[nodeSize];
        using var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        file.Position = physical;
        file.ReadExactly(block);
        patch(block);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(block, BtrfsChecksum.Crc32C(block.AsSpan(32)));
        file.Position = physical;
        file.Write(block);
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static byte[] Compressible()
    {
        var text = string.Concat(Enumerable.Range(0, 4000).Select(i => $"line {i} of a very compressible file\n"));
        return System.Text.Encoding.ASCII.GetBytes(text)[..CompressibleLength];
    }

    [GeneratedRegex(@"^(?:leaf|node) (\d+) (?:items|level)")]
    private static partial Regex LeafLine();

    [GeneratedRegex(@"^\s+item \d+ key \(([^)]*)\) itemoff (\d+) itemsize (\d+)")]
    private static partial Regex ItemLine();


    private static string SparseFile(string name)
    {
        var path = Path.Combine(Root, name);
        File.Delete(path);
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.SetLength(160L << 20);
        return path;
    }

    private static string Build(string name)
    {
        var image = SparseFile($"{name}.img");
        ExternalTool.Run("mkfs.btrfs", "btrfs-progs", [.. Configurations[name], "-q", "-f", "-L", name, "--rootdir", SourceTree, image]);
        return image;
    }

    private static string BuildSource()
    {
        var source = Path.Combine(Root, "source");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "empty"), []);
        File.WriteAllBytes(Path.Combine(source, "one"), "x"u8.ToArray());
        File.WriteAllBytes(Path.Combine(source, "inline-2000"), Pattern(2000, 1));
        File.WriteAllBytes(Path.Combine(source, "f4095"), Pattern(4095, 2));
        File.WriteAllBytes(Path.Combine(source, "f4096"), Pattern(4096, 3));
        File.WriteAllBytes(Path.Combine(source, "f50k"), Pattern(50_000, 4));
        File.WriteAllBytes(Path.Combine(source, "mib"), Pattern((1 << 20) + 123, 5));
        File.WriteAllBytes(Path.Combine(source, "f9m"), Pattern(9 << 20, 6));
        File.WriteAllBytes(Path.Combine(source, "compressible"), Compressible());
        using (var sparse = File.Create(Path.Combine(source, "sparse")))
        {
            sparse.SetLength(20L << 20);
            sparse.Position = 8L << 20;
            sparse.Write(Pattern(5000, 7));
            sparse.Position = (20L << 20) - 4096;
            sparse.Write(Pattern(4096, 8));
        }

        Directory.CreateDirectory(Path.Combine(source, "etc"));
        File.WriteAllText(Path.Combine(source, "etc", "os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
        File.WriteAllText(Path.Combine(source, UnicodeName), "unicode\n");
        Directory.CreateDirectory(Path.Combine(source, "emptydir"));
        Directory.CreateDirectory(Path.Combine(source, Path.GetDirectoryName(LongLinkTarget)!));
        File.WriteAllText(Path.Combine(source, LongLinkTarget), "deep leaf\n");
        File.CreateSymbolicLink(Path.Combine(source, "short-link"), "one");
        File.CreateSymbolicLink(Path.Combine(source, "long-link"), LongLinkTarget);
        File.CreateSymbolicLink(Path.Combine(source, "absolute-link"), "/etc/os-release");
        File.CreateSymbolicLink(Path.Combine(source, "dangling-link"), "/nowhere/at/all");
        File.CreateSymbolicLink(Path.Combine(source, "dir-link"), "deep/d01");
        var many = Path.Combine(source, "many");
        Directory.CreateDirectory(many);
        for (var i = 0; i < ManyCount; i++)
        {
            File.WriteAllText(Path.Combine(many, $"entry-with-a-longish-name-{i:D5}"), $"{i}\n");
        }

        return source;
    }
}
