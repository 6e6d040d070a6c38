using Vmie.Guest.Linux.Initramfs;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Linux;

/// <summary>Initramfs images made by the real tools (cpio, gzip, xz, zstd, lz4 -l, bzip2), read back.</summary>
public class InitramfsReaderTests
{
    private const string EnaModule = "usr/lib/modules/5.14.0-427.el9.x86_64/kernel/drivers/net/ethernet/amazon/ena/ena.ko.xz";

    private static readonly Lazy<string> Staging = new(CreateStaging);

    private static string CreateStaging()
    {
        var directory = ExternalTool.ScratchPath("initramfs-root");
        Directory.CreateDirectory(Path.Combine(directory, Path.GetDirectoryName(EnaModule)!));
        File.WriteAllBytes(Path.Combine(directory, EnaModule), [.. Enumerable.Range(0, 3001).Select(i => (byte)i)]);
        Directory.CreateDirectory(Path.Combine(directory, "usr/lib/modules/5.14.0-427.el9.x86_64/kernel/drivers/nvme/host"));
        File.WriteAllText(Path.Combine(directory, "usr/lib/modules/5.14.0-427.el9.x86_64/kernel/drivers/nvme/host/nvme.ko.xz"), "nvme");
        File.WriteAllText(Path.Combine(directory, "init"), "#!/bin/sh\nexec /sbin/init\n");
        File.WriteAllBytes(Path.Combine(directory, "big.bin"), [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7919 >> 3))]);
        File.CreateSymbolicLink(Path.Combine(directory, "bin"), "usr/bin");
        Directory.CreateDirectory(Path.Combine(directory, "usr/bin"));
        return directory;
    }

    /// <summary>Runs a shell pipeline in the staging directory; every tool named is required first.</summary>
    private static byte[] Build(string pipeline, params (string Program, string Package)[] tools)
    {
        RequiredTool.Require("cpio", "cpio");
        foreach (var (program, package) in tools)
        {
            RequiredTool.Require(program, package);
        }

        var output = ExternalTool.ScratchPath("initramfs-" + Guid.NewGuid().ToString("N"));
        ExternalTool.Run("bash", "bash", "-c", $"set -o pipefail; cd '{Staging.Value}' && {pipeline} > '{output}'");
        return File.ReadAllBytes(output);
    }

    private static void AssertStagingContents(InitramfsContents contents)
    {
        Assert.True(contents.Contains(EnaModule));
        Assert.True(contents.Contains("/" + EnaModule));
        Assert.True(contents.Contains("./init"));
        Assert.True(contents.ContainsModule("ena"));
        Assert.True(contents.ContainsModule("nvme"));
        Assert.False(contents.ContainsModule("nvme-core"));
        Assert.False(contents.Contains("usr/lib/modules/other"));
        var ena = contents.Entries.Single(entry => entry.Path == EnaModule);
        Assert.Equal(3001, ena.Size);
        Assert.True(ena.IsFile);
        Assert.Equal(300_000, contents.Entries.Single(entry => entry.Path == "big.bin").Size);
        Assert.True(contents.Entries.Single(entry => entry.Path == "bin").IsSymlink);
        Assert.True(contents.Entries.Single(entry => entry.Path == "usr/bin").IsDirectory);
    }

    [SkippableTheory]
    [InlineData("newc")]
    [InlineData("crc")]
    [InlineData("odc")]
    [InlineData("bin")]
    public void Reads_every_cpio_format_uncompressed(string format)
    {
        var image = Build($"find . | LC_ALL=C sort | cpio -o -H {format} --quiet");

        var contents = InitramfsReader.Read(new MemoryStream(image));

        AssertStagingContents(contents);
        Assert.Equal(["cpio"], contents.Segments);
    }

    [SkippableTheory]
    [InlineData("gzip -9", "gzip", "gzip", "gzip")]
    [InlineData("xz --check=crc32 -T1", "xz", "xz-utils", "xz")]
    [InlineData("zstd -q -19", "zstd", "zstd", "zstd")]
    [InlineData("lz4 -l -q -9", "lz4", "lz4", "lz4-legacy")]
    [InlineData("bzip2 -9", "bzip2", "bzip2", "bzip2")]
    public void Reads_every_compression(string compressor, string program, string package, string segment)
    {
        var image = Build($"find . | cpio -o -H newc --quiet | {compressor} -c", (program, package));

        var contents = InitramfsReader.Read(new MemoryStream(image));

        AssertStagingContents(contents);
        Assert.Equal([segment], contents.Segments);
    }

    [SkippableTheory]
    [InlineData("gzip -c", "gzip", "gzip", "gzip")]
    [InlineData("zstd -q -c", "zstd", "zstd", "zstd")]
    [InlineData("lz4 -l -q -c", "lz4", "lz4", "lz4-legacy")]
    public void Reads_early_microcode_then_a_compressed_archive(string compressor, string program, string package, string segment)
    {
        var microcodeRoot = ExternalTool.ScratchPath("microcode-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(microcodeRoot, "kernel/x86/microcode"));
        File.WriteAllBytes(Path.Combine(microcodeRoot, "kernel/x86/microcode/GenuineIntel.bin"), new byte[5000]);

        // As dracut does: the early archive uncompressed, padded to 512 bytes, then the main one compressed.
        var image = Build(
            $"{{ (cd '{microcodeRoot}' && find kernel | cpio -o -H newc --quiet); find . | cpio -o -H newc --quiet | {compressor}; }}",
            (program, package));

        var contents = InitramfsReader.Read(new MemoryStream(image));

        Assert.Equal(["cpio", segment], contents.Segments);
        Assert.True(contents.Contains("kernel/x86/microcode/GenuineIntel.bin"));
        AssertStagingContents(contents);
    }

    [SkippableTheory]
    [InlineData("gzip -c", "gzip", "gzip")]
    [InlineData("xz -c --check=crc32", "xz", "xz-utils")]
    [InlineData("zstd -q -c", "zstd", "zstd")]
    [InlineData("lz4 -l -q -c", "lz4", "lz4")]
    [InlineData("bzip2 -c", "bzip2", "bzip2")]
    public void Zero_padding_after_the_compressed_stream_is_accepted(string compressor, string program, string package)
    {
        // The kernel skips zero bytes after each part; image builders pad the file to a block size.
        var image = Build($"{{ find . | cpio -o -H newc --quiet | {compressor}; head -c 4096 /dev/zero; }}", (program, package));

        AssertStagingContents(InitramfsReader.Read(new MemoryStream(image)));
    }

    [SkippableFact]
    public async Task Reads_an_initramfs_from_a_guest_tree()
    {
        var image = Build("find . | cpio -o -H newc --quiet | gzip -c", ("gzip", "gzip"));
        var root = LinuxTree.Root(new Dictionary<string, string>(), new Dictionary<string, byte[]> { ["/boot/initramfs-5.14.0-427.el9.x86_64.img"] = image });

        var contents = await InitramfsReader.ReadAsync(root, "/boot/initramfs-5.14.0-427.el9.x86_64.img");

        AssertStagingContents(contents!);
        Assert.Null(await InitramfsReader.ReadAsync(root, "/boot/missing.img"));
    }

    [SkippableFact]
    public void A_truncated_compressed_stream_is_unreadable()
    {
        var image = Build("find . | cpio -o -H newc --quiet | xz -c", ("xz", "xz-utils"));

        var error = Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(image[..(image.Length / 2)])));

        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [SkippableTheory]
    [InlineData("gzip -c", "gzip", "gzip")]
    [InlineData("zstd -q -c", "zstd", "zstd")]
    [InlineData("lz4 -l -q -c", "lz4", "lz4")]
    [InlineData("bzip2 -c", "bzip2", "bzip2")]
    public void Corrupted_compressed_data_is_unreadable(string compressor, string program, string package)
    {
        var image = Build($"find . | cpio -o -H newc --quiet | {compressor}", (program, package));
        for (var i = 40; i < image.Length - 40; i += 97)
        {
            image[i] ^= 0x5A;
        }

        Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(image)));
    }

    [Theory]
    [InlineData(new byte[] { 0x5D, 0x00, 0x00, 0x80, 0x00, 0xFF }, "lzma")]
    [InlineData(new byte[] { 0x89, 0x4C, 0x5A, 0x4F, 0x00, 0x0D }, "lzo")]
    [InlineData(new byte[] { 0x04, 0x22, 0x4D, 0x18, 0x64, 0x40 }, "LZ4 frame")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00 }, "504B0304")]
    public void Unsupported_compressions_name_themselves(byte[] magic, string expected)
    {
        var error = Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream([.. magic, .. new byte[64]])));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_hostile_cpio_are_unreadable()
    {
        Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(new byte[4096])));

        // A newc header whose name size is 4 GiB must fail on the field, not allocate it.
        var hostile = System.Text.Encoding.ASCII.GetBytes("070701" + string.Concat(Enumerable.Repeat("00000000", 11)) + "FFFFFFFF" + "00000000");
        Assert.Contains("name of", Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(hostile))).Message, StringComparison.Ordinal);

        var notHex = System.Text.Encoding.ASCII.GetBytes("070701" + new string('Z', 104));
        Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(notHex)));

        // A member claiming more data than the archive holds.
        var truncated = System.Text.Encoding.ASCII.GetBytes("070701" + string.Concat(Enumerable.Repeat("00000000", 6)) + "00100000" + string.Concat(Enumerable.Repeat("00000000", 4)) + "00000002" + "00000000" + "a\0");
        Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(truncated)));
    }

    [SkippableFact]
    public void The_member_cap_stops_a_huge_archive()
    {
        var image = Build("find . | cpio -o -H newc --quiet");

        var error = Assert.Throws<UnreadableInitramfsException>(() => InitramfsReader.Read(new MemoryStream(image), new InitramfsLimits(1L << 30, 3)));

        Assert.Contains("More than 3 members", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Lz4_legacy_frames_of_several_8_MiB_blocks()
    {
        RequiredTool.Require("lz4", "lz4");
        var directory = ExternalTool.ScratchPath("lz4-large-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var random = new Random(42);
        var data = new byte[20 << 20];
        random.NextBytes(data.AsSpan(0, 4 << 20));
        File.WriteAllBytes(Path.Combine(directory, "large.bin"), data);
        File.WriteAllText(Path.Combine(directory, "after"), "last");
        var output = directory + ".img";
        ExternalTool.Run("bash", "bash", "-c", $"set -o pipefail; cd '{directory}' && printf 'large.bin\nafter\n' | cpio -o -H newc --quiet | lz4 -l -q -c > '{output}'");

        var contents = InitramfsReader.Read(File.OpenRead(output));

        Assert.Equal(["large.bin", "after"], contents.Entries.Select(entry => entry.Path));
        Assert.Equal(20 << 20, contents.Entries[0].Size);
    }

    [Fact]
    public void Lz4_block_decoder_handles_literals_and_overlapping_matches()
    {
        // Token 0x34: 3 literals "abc", match length 4+4=8 at offset 3 (overlapping run), then a final literal-only "Z".
        byte[] block = [0x34, (byte)'a', (byte)'b', (byte)'c', 0x03, 0x00, 0x10, (byte)'Z'];
        var output = new byte[64];

        var length = Lz4LegacyStream.DecodeBlock(block, output);

        Assert.Equal("abcabcabcabZ", System.Text.Encoding.ASCII.GetString(output, 0, length));
    }

    [Theory]
    [InlineData(new byte[] { 0x10, (byte)'a', 0x05, 0x00 })]
    [InlineData(new byte[] { 0x10, (byte)'a', 0x00, 0x00 })]
    [InlineData(new byte[] { 0xF0, 0xFF })]
    [InlineData(new byte[] { 0x50, (byte)'a' })]
    [InlineData(new byte[] { 0x10, (byte)'a', 0x01 })]
    public void Lz4_block_decoder_rejects_bad_blocks(byte[] block)
    {
        Assert.Throws<InvalidDataException>(() => Lz4LegacyStream.DecodeBlock(block, new byte[64]));
    }

    [Fact]
    public void Unreadable_initramfs_carries_the_spec_message()
    {
        Assert.Equal(
            "ClientError: We were unable to read your import's initramfs/initrd to determine what drivers your import requires to run in EC2.",
            UnreadableInitramfsException.StatusMessage);
    }
}
