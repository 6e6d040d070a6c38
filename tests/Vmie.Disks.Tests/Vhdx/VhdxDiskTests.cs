using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Vhdx;

public sealed class VhdxDiskTests : IDisposable
{
    private const int MiB = TestDisk.MiB;
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableTheory]
    [InlineData("dynamic", null)]
    [InlineData("dynamic", "1M")]
    [InlineData("dynamic", "32M")]
    [InlineData("fixed", null)]
    [InlineData("fixed", "1M")]
    [InlineData("fixed", "32M")]
    public async Task Qemu_images_read_byte_identical_to_the_raw(string subformat, string? blockSize)
    {
        var raw = _disk.WriteStandardRaw();
        var image = _disk.PathOf("disk.vhdx");
        QemuImg.Convert(raw, image, "vhdx", $"subformat={subformat}" + (blockSize is null ? "" : $",block_size={blockSize}"));

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal(512, disk.LogicalSectorSize);
        Assert.False(disk.LogReplayed);
        if (blockSize is not null)
        {
            Assert.Equal(blockSize == "1M" ? MiB : 32 * MiB, disk.BlockSize);
        }

        var allocated = await SumAllocatedAsync(disk);
        if (subformat == "dynamic" && blockSize == "1M")
        {
            // Blocks 0, 1, 2, 5, 8 and 9 hold data; the other four are holes the map must skip.
            Assert.Equal((5L * MiB) + 512, allocated);
        }
    }

    [SkippableFact]
    public async Task Payload_blocks_after_the_first_chunk_skip_the_sector_bitmap_entry()
    {
        // 1 MiB blocks with 512-byte sectors: a sector bitmap entry follows every 4096 payload entries.
        const long beyondChunk = (4L << 30) + MiB + 100;
        var raw = _disk.WriteRaw("big.raw", (4L << 30) + (4 * MiB), 3, (0, 65536), (beyondChunk, 200_000));
        var image = _disk.PathOf("big.vhdx");
        QemuImg.Convert(raw, image, "vhdx", "subformat=dynamic,block_size=1M");

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        Assert.Equal((4L << 30) + (4 * MiB), disk.Capacity);
        await using (var file = File.OpenRead(raw))
        {
            foreach (var (offset, length) in new[] { (0L, 65536), (beyondChunk - 5000, 210_000), (2L << 30, MiB) })
            {
                var expected = new byte[length];
                file.Position = offset;
                file.ReadExactly(expected);
                var actual = new byte[length];
                Assert.Equal(length, await disk.ReadAsync(offset, actual));
                Assert.Equal(expected, actual);
            }
        }

        var extents = new List<DiskExtent>();
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            extents.Add(extent);
        }

        Assert.Equal([new DiskExtent(0, MiB), new DiskExtent((4L << 30) + MiB, MiB)], extents);
    }

    [SkippableFact]
    public async Task A_4096_byte_logical_sector_size_is_honoured()
    {
        // qemu-img 7.2 cannot create one; within the first chunk the layout is the same, so patch the item.
        var raw = _disk.WriteRaw("disk4k.raw", 9L * MiB, 4, (0, 300_000), (5 * MiB, 8192));
        var image = _disk.PathOf("disk4k.vhdx");
        QemuImg.Convert(raw, image, "vhdx", "subformat=dynamic,block_size=1M");
        var editor = new VhdxImageEditor(image);
        editor.WriteUInt32(editor.MetadataItemOffset(VhdxImageEditor.LogicalSectorSizeId), 4096);
        editor.Save(image);

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        Assert.Equal(4096, disk.LogicalSectorSize);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [Theory]
    [InlineData(512, MiB, 4096)]
    [InlineData(4096, MiB, 32768)]
    [InlineData(512, 32 * MiB, 128)]
    [InlineData(512, 256 * MiB, 16)]
    [InlineData(4096, 256 * MiB, 128)]
    public void Chunk_ratio_follows_the_specification(int logicalSectorSize, int blockSize, long expected) =>
        Assert.Equal(expected, VhdxBlockAllocationTable.ChunkRatio(logicalSectorSize, blockSize));

    [Fact]
    public void Crc32c_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, VhdxCrc32C.Compute("123456789"u8));
        var withField = "12345678\0\0\0\09"u8.ToArray();
        Assert.Equal(VhdxCrc32C.Compute("12345678\0\0\0\09"u8), VhdxCrc32C.Compute(withField, 8));
        withField[9] = 0xFF;
        Assert.Equal(VhdxCrc32C.Compute("12345678\0\0\0\09"u8), VhdxCrc32C.Compute(withField, 8));
    }

    private static async Task<long> SumAllocatedAsync(IVirtualDisk disk)
    {
        long total = 0;
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            total += extent.Length;
        }

        return total;
    }
}
