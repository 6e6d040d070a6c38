using System.Buffers.Binary;
using System.Diagnostics;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Btrfs;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Btrfs;

/// <summary>Images damaged on purpose: each must fail fast with a clear exception, never hang or misread.</summary>
public sealed class BtrfsDamagedVolumeTests
{
    private const int Superblock = 0x10000;

    [SkippableFact]
    public async Task A_bad_magic_is_refused()
    {
        var image = BtrfsTestImages.Copy("default", "bad-magic");
        PatchBytes(image, Superblock + 0x40, "_BHRfS_X"u8.ToArray());
        var error = await AssertCorruptAsync(image);
        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("default")]
    [InlineData("xxhash")]
    [InlineData("sha256")]
    public async Task A_superblock_checksum_mismatch_is_refused(string name)
    {
        var image = BtrfsTestImages.Copy(name, "bad-checksum");
        PatchBytes(image, Superblock + 0x12B, "X"u8.ToArray());
        var error = await AssertCorruptAsync(image);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_leaf_checksum_mismatch_is_refused()
    {
        var image = BtrfsTestImages.Copy("default", "bad-leaf");
        var (leaf, _, _) = BtrfsTestImages.FindItem(BtrfsTestImages.DumpTree(image, "5"), @"^256 INODE_ITEM 0$");
        await BtrfsTestImages.PatchTreeBlockAsync(image, leaf, _ => { });
        long physical;
        await using (var source = FileBlockSource.Open(image))
        {
            await using var fs = await BtrfsFileSystem.OpenAsync(source);
            physical = fs.MapLogical(leaf).Physical;
        }

        PatchBytes(image, physical + 200, [0xFF, 0xFE]);
        var error = await AssertCorruptAsync(image);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_chunk_pointing_outside_the_device_is_refused()
    {
        var image = BtrfsTestImages.Copy("default", "chunk-outside");
        // sys_chunk_array: key (17), chunk header (48), then stripe 0: devid, offset.
        var stripeOffset = Superblock + 0x32B + 17 + 48 + 8;
        PatchSuperblock(image, block => BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(stripeOffset - Superblock), 1UL << 40));
        var error = await AssertCorruptAsync(image);
        Assert.Contains("outside", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_raid_chunk_is_refused_as_unsupported()
    {
        var image = BtrfsTestImages.Copy("default", "raid1");
        var typeOffset = 0x32B + 17 + 24;
        PatchSuperblock(image, block => BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(typeOffset), 0x2 | 0x10));
        await using var source = FileBlockSource.Open(image);
        var error = await Assert.ThrowsAsync<BtrfsNotSupportedException>(async () => await BtrfsFileSystem.OpenAsync(source));
        Assert.Contains("RAID1", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Several_devices_are_refused_as_unsupported()
    {
        var image = BtrfsTestImages.Copy("default", "two-devices");
        PatchSuperblock(image, block => BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(0x88), 2));
        await using var source = FileBlockSource.Open(image);
        var error = await Assert.ThrowsAsync<BtrfsNotSupportedException>(async () => await BtrfsFileSystem.OpenAsync(source));
        Assert.Contains("2 devices", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_node_pointing_at_itself_is_refused()
    {
        var image = BtrfsTestImages.Copy("default", "loop");
        var dump = BtrfsTestImages.DumpTree(image, "5");
        var node = ulong.Parse(dump.Split('\n').First(line => line.StartsWith("node ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        await BtrfsTestImages.PatchTreeBlockAsync(image, node, block =>
        {
            // The last key pointer's child becomes the node itself, with the node's own generation.
            var count = BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(0x60));
            var pointer = block.AsSpan(101 + ((count - 1) * 33) + 17);
            BinaryPrimitives.WriteUInt64LittleEndian(pointer, node);
            pointer[8..16].Clear();
            block.AsSpan(0x50, 8).CopyTo(pointer[8..]);
        });
        var error = await AssertCorruptAsync(image);
        Assert.Contains("level", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Keys_out_of_order_are_refused()
    {
        var image = BtrfsTestImages.Copy("default", "disorder");
        var (leaf, _, _) = BtrfsTestImages.FindItem(BtrfsTestImages.DumpTree(image, "5"), @"^256 INODE_ITEM 0$");
        await BtrfsTestImages.PatchTreeBlockAsync(image, leaf, block =>
        {
            var first = block.AsSpan(101, 17).ToArray();
            block.AsSpan(101 + 25, 17).CopyTo(block.AsSpan(101));
            first.CopyTo(block.AsSpan(101 + 25));
        });
        var error = await AssertCorruptAsync(image);
        Assert.Contains("out of order", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_item_outside_its_leaf_is_refused()
    {
        var image = BtrfsTestImages.Copy("default", "item-outside");
        var (leaf, _, _) = BtrfsTestImages.FindItem(BtrfsTestImages.DumpTree(image, "5"), @"^256 INODE_ITEM 0$");
        await BtrfsTestImages.PatchTreeBlockAsync(image, leaf, block => BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(101 + 17 + 4), 0x7FFF_FFFF));
        var error = await AssertCorruptAsync(image);
        Assert.Contains("outside the leaf", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_truncated_image_is_refused()
    {
        var image = BtrfsTestImages.Copy("default", "truncated");
        using (var file = File.OpenWrite(image))
        {
            file.SetLength(file.Length / 2);
        }

        var error = await AssertCorruptAsync(image);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_volume_too_small_for_a_superblock_is_refused()
    {
        var path = ExternalTool.SparseFile("btrfs-tiny.img", 4096);
        await AssertCorruptAsync(path);
    }

    private static void PatchBytes(string image, long offset, byte[] bytes)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(bytes);
    }

    /// <summary>Changes the primary superblock and writes its crc32c again, so that only the change is wrong.</summary>
    private static void PatchSuperblock(string image, Action<byte[]> patch)
    {
        var block = new byte[4096];
        using var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        file.Position = Superblock;
        file.ReadExactly(block);
        patch(block);
        BinaryPrimitives.WriteUInt32LittleEndian(block, BtrfsChecksum.Crc32C(block.AsSpan(32)));
        file.Position = Superblock;
        file.Write(block);
    }

    /// <summary>Opens the image and reads every file: it must end in a CorruptFileSystemException, within seconds.</summary>
    private static async Task<CorruptFileSystemException> AssertCorruptAsync(string image)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CorruptFileSystemException>(async () =>
        {
            await using var source = FileBlockSource.Open(image);
            await using var fs = await BtrfsFileSystem.OpenAsync(source);
            await BtrfsFileSystemTests.AssertMatchesSourceAsync(fs, "");
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        return error;
    }
}
