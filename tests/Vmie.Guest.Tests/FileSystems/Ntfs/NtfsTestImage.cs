using System.Buffers.Binary;
using System.Text;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Ntfs;

/// <summary>
/// One NTFS image per test run, made by mkntfs on a sparse file and filled by ntfscp (which cannot make
/// directories: files go to the root; $Extend is the directory tree mkntfs makes). The large file is written
/// after holes were punched between other files (ntfstruncate), so it spans several runs; one file is grown
/// by ntfstruncate, which leaves it sparse.
/// </summary>
internal static class NtfsTestImage
{
    public const string Label = "vmie-ntfs";
    public const int ManyCount = 300;
    public const long SparseLength = 10_000_000;
    public const int SparseInitialized = 200_000;

    private static readonly Lazy<(string Image, Dictionary<string, byte[]> Files)> Built = new(Build);

    public static string Image => Require().Image;

    /// <summary>Every file put on the image with the bytes it must read back as.</summary>
    public static IReadOnlyDictionary<string, byte[]> Files => Require().Files;

    public static string Copy(string purpose)
    {
        var copy = ExternalTool.ScratchPath($"ntfs-{purpose}.img");
        File.Copy(Image, copy, overwrite: true);
        return copy;
    }

    public static string Tool(string program, params string[] arguments) => ExternalTool.Run(program, "ntfs-3g", arguments);

    /// <summary>Byte offset of an MFT record in the image (the $MFT's first run holds the records mkntfs and these tests make).</summary>
    public static long RecordOffset(string image, long record)
    {
        var boot = new byte[512];
        using (var stream = File.OpenRead(image))
        {
            stream.ReadExactly(boot);
        }

        var cluster = BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(0x0B)) * boot[0x0D];
        return (BinaryPrimitives.ReadInt64LittleEndian(boot.AsSpan(0x30)) * cluster) + (record * 1024);
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static (string Image, Dictionary<string, byte[]> Files) Require()
    {
        RequiredTool.Require("mkntfs", "ntfs-3g");
        RequiredTool.Require("ntfscp", "ntfs-3g");
        RequiredTool.Require("ntfsls", "ntfs-3g");
        return Built.Value;
    }

    private static (string Image, Dictionary<string, byte[]> Files) Build()
    {
        var image = ExternalTool.SparseFile("ntfs.img", 64L << 20);
        Tool("mkntfs", "-F", "-Q", "-q", "-s", "512", "-c", "4096", "-L", Label, image);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        void Put(string name, byte[] content)
        {
            var source = ExternalTool.ScratchPath("ntfs-src-" + Guid.NewGuid().ToString("n"));
            File.WriteAllBytes(source, content);
            Tool("ntfscp", "-q", image, source, name);
            File.Delete(source);
            files[name] = content;
        }

        Put("tiny.txt", "hello, ntfs\n"u8.ToArray());
        Put("empty", []);
        Put("f4096", Pattern(4096, 2));
        Put("Grüße-日本語.txt", Encoding.UTF8.GetBytes("unicode\n"));
        for (var i = 0; i < ManyCount; i++)
        {
            Put($"entry-with-a-longish-name-{i:D4}", Encoding.ASCII.GetBytes($"{i}\n"));
        }

        // ntfs-3g allocates past the last allocation, so the volume is filled up, then holes are punched
        // between the spacers: the large file can only go into them, in several runs.
        for (var i = 1; i <= 6; i++)
        {
            Put($"spacer{i}", Pattern(200_000, 10 + i));
        }

        var free = long.Parse(
            Tool("ntfsinfo", "-m", image).Split('\n').Single(line => line.Contains("Free Clusters:", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        Put("filler", new byte[(free - 4) * 4096]);
        var inodes = Tool("ntfsls", "-i", image).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[1].Trim(), parts => parts[0]);
        Tool("ntfstruncate", "-q", image, inodes["spacer2"], "0x80", "0");
        Tool("ntfstruncate", "-q", image, inodes["spacer4"], "0x80", "0");
        files["spacer2"] = [];
        files["spacer4"] = [];
        Put("large.bin", Pattern(300_000, 1));

        // Growing a file leaves the new part sparse and uninitialized.
        Tool("ntfstruncate", "-q", image, inodes["spacer5"], "0x80", SparseLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var grown = new byte[SparseLength];
        files["spacer5"].CopyTo(grown, 0);
        files["spacer5"] = grown;

        return (image, files);
    }
}
