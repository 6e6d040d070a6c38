using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ext;

namespace Vmie.Guest.Tests.FileSystems.Ext;

/// <summary>Images damaged on purpose: each must fail fast with a clear exception, never hang or misread.</summary>
public sealed class ExtDamagedVolumeTests
{
    private const int Superblock = 1024;

    [SkippableTheory]
    [InlineData("bad-magic", 0x38, 0u, 2)]
    [InlineData("huge-log-block-size", 0x18, 40u, 4)]
    [InlineData("zero-blocks-per-group", 0x20, 0u, 4)]
    [InlineData("zero-inodes-per-group", 0x28, 0u, 4)]
    [InlineData("zero-inodes", 0x00, 0u, 4)]
    [InlineData("huge-block-count", 0x04, 0xFFFFFFF0u, 4)]
    [InlineData("inode-size-100", 0x58, 100u, 2)]
    [InlineData("first-data-block-9", 0x14, 9u, 4)]
    public async Task A_lying_superblock_is_refused(string purpose, int field, uint value, int width)
    {
        var image = ExtTestImages.Copy("ext2-1k", purpose);
        Patch(image, Superblock + field, value, width);
        await AssertCorruptAsync(image, fs => Task.CompletedTask);
    }

    [SkippableFact]
    public async Task A_truncated_image_is_refused()
    {
        var image = ExtTestImages.Copy("ext4-4k", "truncated");
        using (var file = File.OpenWrite(image))
        {
            file.SetLength(file.Length / 2);
        }

        var error = await AssertCorruptAsync(image, fs => Task.CompletedTask);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_superblock_checksum_mismatch_is_refused()
    {
        var image = ExtTestImages.Copy("ext4-4k", "bad-checksum");
        Patch(image, Superblock + 0x78, 'X', 1);
        var error = await AssertCorruptAsync(image, fs => Task.CompletedTask);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(0x80000000u)]
    [InlineData(0x1u)]
    [InlineData(0x8u)]
    public async Task Unknown_incompatible_features_are_refused_by_name(uint feature)
    {
        var image = ExtTestImages.Copy("ext2-1k", $"incompat-{feature:x}");
        var offset = Superblock + 0x60;
        Patch(image, offset, ReadUInt32(image, offset) | feature, 4);
        await using var source = FileBlockSource.Open(image);
        var error = await Assert.ThrowsAsync<ExtFeatureNotSupportedException>(async () => await ExtFileSystem.OpenAsync(source));
        Assert.Contains($"0x{ReadUInt32(image, offset):x}", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_journal_not_replayed_is_reported()
    {
        var image = ExtTestImages.Copy("ext3-1k", "needs-recovery");
        var offset = Superblock + 0x60;
        Patch(image, offset, ReadUInt32(image, offset) | 0x4, 4);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        Assert.True(fs.NeedsRecovery);
        Assert.Equal("ext3", fs.Type);
        Assert.Equal("ID=debian\nVERSION_ID=\"12\"\n", await new GuestFiles(fs).ReadAllTextAsync("/etc/os-release"));
    }

    [SkippableTheory]
    [InlineData("rec-len-zero", 4, 0u, 2)]
    [InlineData("rec-len-past-block", 4, 0xFFFCu, 2)]
    [InlineData("rec-len-unaligned", 4, 13u, 2)]
    [InlineData("name-longer-than-record", 6, 200u, 1)]
    [InlineData("inode-out-of-range", 24, 0x7FFFFFFFu, 4)]
    public async Task A_damaged_directory_entry_is_refused(string purpose, int field, uint value, int width)
    {
        var image = ExtTestImages.Copy("ext4-4k", purpose);
        var rootBlock = long.Parse(Encoding.UTF8.GetString(ExtTestImages.Debugfs(image, "bmap / 0")).Trim(), CultureInfo.InvariantCulture);
        Patch(image, (rootBlock * 4096) + field, value, width);
        await AssertCorruptAsync(image, async fs =>
        {
            await foreach (var entry in fs.ListAsync(fs.Root))
            {
                _ = entry;
            }
        });
        await AssertCorruptAsync(image, async fs => await fs.LookupAsync(fs.Root, "not-there"));
    }

    [SkippableFact]
    public async Task An_extent_node_that_points_at_itself_is_refused()
    {
        var image = ExtTestImages.Copy("ext4-4k", "extent-loop");
        var inode = ExtFileSystemTests.InodeOffset(image, "/mib");
        var node = FreeBlock(image);

        // Root: an index of depth 1 pointing at the node; the node claims depth 1 too and points at itself.
        WriteExtentIndex(image, inode + 0x28, max: 4, depth: 1, child: node);
        WriteExtentIndex(image, node * 4096, max: 340, depth: 1, child: node);
        await AssertCorruptAsync(image, async fs => await ReadAllAsync(fs, "mib"));
    }

    [SkippableFact]
    public async Task Overlapping_extents_are_refused()
    {
        var image = ExtTestImages.Copy("ext4-4k", "extent-overlap");
        var inode = ExtFileSystemTests.InodeOffset(image, "/mib");
        var bytes = File.ReadAllBytes(image);
        var root = bytes.AsSpan((int)inode + 0x28, 60);
        var physical = BinaryPrimitives.ReadUInt32LittleEndian(root[20..]);
        BinaryPrimitives.WriteUInt16LittleEndian(root[2..], 2);
        WriteExtent(root[24..], logical: 100, length: 156, physical + 100);
        File.WriteAllBytes(image, bytes);
        await AssertCorruptAsync(image, async fs => await ReadAllAsync(fs, "mib"));
    }

    [SkippableFact]
    public async Task A_two_level_extent_tree_reads_as_one_level()
    {
        var image = ExtTestImages.Copy("ext4-4k", "extent-index");
        var inode = ExtFileSystemTests.InodeOffset(image, "/mib");
        var bytes = File.ReadAllBytes(image);
        var physical = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)inode + 0x28 + 20));
        var node = FreeBlock(image);

        // The same 256 blocks as a leaf of three extents below an index node, with a hole in the middle.
        var leaf = bytes.AsSpan((int)(node * 4096), 4096);
        leaf.Clear();
        WriteHeader(leaf, entries: 3, max: 340, depth: 0);
        WriteExtent(leaf[12..], logical: 0, length: 100, physical);
        WriteExtent(leaf[24..], logical: 120, length: 80, physical + 120);
        WriteExtent(leaf[36..], logical: 200, length: 56, physical + 200);
        File.WriteAllBytes(image, bytes);
        WriteExtentIndex(image, inode + 0x28, max: 4, depth: 1, child: node);

        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var expected = File.ReadAllBytes(Path.Combine(ExtTestImages.SourceTree, "mib"));
        expected.AsSpan(100 * 4096, 20 * 4096).Clear();
        Assert.Equal(expected, await ReadAllAsync(fs, "mib"));
    }

    private static async Task<byte[]> ReadAllAsync(ExtFileSystem fs, string name)
    {
        var node = await fs.LookupAsync(fs.Root, name);
        var data = new byte[node!.Size];
        Assert.Equal(data.Length, await fs.ReadAsync(node, 0, data));
        return data;
    }

    private static async Task<Exception> AssertCorruptAsync(string image, Func<ExtFileSystem, Task> use)
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CorruptFileSystemException>(async () =>
        {
            await using var source = FileBlockSource.Open(image);
            await using var fs = await ExtFileSystem.OpenAsync(source);
            await use(fs);
        });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Refusing the image took {watch.Elapsed}.");
        return error;
    }

    private static long FreeBlock(string image) =>
        long.Parse(Encoding.UTF8.GetString(ExtTestImages.Debugfs(image, "ffb 1 10000")).Split(':')[1].Trim(), CultureInfo.InvariantCulture);

    private static void WriteExtentIndex(string image, long offset, int max, int depth, long child)
    {
        var node = new byte[24];
        WriteHeader(node, entries: 1, max, depth);
        BinaryPrimitives.WriteUInt32LittleEndian(node.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(node.AsSpan(16), (uint)child);
        using var file = File.OpenWrite(image);
        file.Position = offset;
        file.Write(node);
    }

    private static void WriteHeader(Span<byte> node, int entries, int max, int depth)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(node, 0xF30A);
        BinaryPrimitives.WriteUInt16LittleEndian(node[2..], (ushort)entries);
        BinaryPrimitives.WriteUInt16LittleEndian(node[4..], (ushort)max);
        BinaryPrimitives.WriteUInt16LittleEndian(node[6..], (ushort)depth);
    }

    private static void WriteExtent(Span<byte> entry, uint logical, ushort length, uint physical)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, logical);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[4..], length);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], physical);
    }

    private static uint ReadUInt32(string image, long offset)
    {
        using var file = File.OpenRead(image);
        var buffer = new byte[4];
        file.Position = offset;
        file.ReadExactly(buffer);
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    private static void Patch(string image, long offset, uint value, int width)
    {
        var buffer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        using var file = File.OpenWrite(image);
        file.Position = offset;
        file.Write(buffer, 0, width);
    }
}
