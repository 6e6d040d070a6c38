using System.Buffers.Binary;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Vhdx;

public sealed class DynamicVhdxWriterTests : IDisposable
{
    private const int MiB = TestDisk.MiB;

    private static readonly VhdxWriteOptions Deterministic = new()
    {
        FileWriteGuid = Guid.Parse("5b1f6c8e-2b7a-4d43-9a55-0e8f2f7a3c11"),
        DataWriteGuid = Guid.Parse("9d2e4f60-71a8-4b3c-8e5d-6f7a8b9c0d12"),
        DiskId = Guid.Parse("c0ffee00-1234-4567-89ab-cdef01234567"),
    };

    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableTheory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(8)]
    public async Task Output_passes_qemu_check_and_compare_and_reads_back_identical(int? blockMiB)
    {
        // 9 MiB + 512 bytes: not a multiple of any block size.
        var raw = _disk.WriteStandardRaw();
        var options = blockMiB is null ? Deterministic : Deterministic with { BlockSize = blockMiB.Value * MiB };
        var vhdx = await WriteAsync(raw, options);

        Assert.Equal(0, QemuImg.Check(vhdx));
        var info = QemuImg.Info(vhdx);
        Assert.Equal("vhdx", info.GetProperty("format").GetString());
        Assert.Equal(new FileInfo(raw).Length, info.GetProperty("virtual-size").GetInt64());
        Assert.True(QemuImg.Same(vhdx, raw));

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(vhdx));
        Assert.Equal("dynamic", disk.Subformat);
        Assert.Equal(options.BlockSize, disk.BlockSize);
        Assert.Equal(512, disk.LogicalSectorSize);
        Assert.Equal(4096, disk.PhysicalSectorSize);
        Assert.False(disk.LogReplayed);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task Qemu_converts_the_output_back_to_the_same_bytes()
    {
        var raw = _disk.WriteRaw("mib.raw", 40L * MiB, 5, (MiB, 300 * 1024), (33L * MiB, 2 * MiB), (40L * MiB - 1000, 1000));
        var vhdx = await WriteAsync(raw, Deterministic);
        var back = _disk.PathOf("back.raw");
        QemuImg.Convert(vhdx, back, "raw");
        Assert.Equal(File.ReadAllBytes(raw), File.ReadAllBytes(back));
    }

    [SkippableFact]
    public async Task An_empty_disk_has_headers_and_a_table_but_no_blocks()
    {
        var raw = _disk.WriteRaw("empty.raw", 100L * MiB, 1);
        var vhdx = await WriteAsync(raw, Deterministic);

        // Identifier, headers and region tables (1 MiB), log (1 MiB), metadata (1 MiB), BAT (1 MiB).
        Assert.Equal(4L * MiB, new FileInfo(vhdx).Length);
        Assert.Equal(0, QemuImg.Check(vhdx));
        Assert.Equal(100L * MiB, QemuImg.VirtualSize(vhdx));
        Assert.True(QemuImg.Same(vhdx, raw));

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(vhdx));
        Assert.Empty(await disk.GetAllocatedExtentsAsync().ToListAsync());
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [Fact]
    public async Task Only_blocks_with_non_zero_data_are_allocated_in_ascending_order()
    {
        // 1 MiB blocks: explicit zeros over blocks 4-7, data in blocks 2 and 9.
        var raw = _disk.PathOf("zeros.raw");
        using (var file = new FileStream(raw, FileMode.Create, FileAccess.Write))
        {
            file.SetLength(12L * MiB);
            file.Position = 4L * MiB;
            file.Write(new byte[4 * MiB]);
            file.Position = (2L * MiB) + 100;
            file.Write([1, 2, 3]);
            file.Position = (10L * MiB) - 1;
            file.Write([9]);
        }

        var vhdx = await WriteAsync(raw, Deterministic with { BlockSize = MiB });

        Assert.Equal(6L * MiB, new FileInfo(vhdx).Length);
        var bat = ReadBat(vhdx, 12);
        for (var i = 0; i < 12; i++)
        {
            var expected = i switch
            {
                2 => (4UL << 20) | 6,
                9 => (5UL << 20) | 6,
                _ => 0UL,
            };
            Assert.Equal(expected, bat[i]);
        }

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(vhdx));
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task Blocks_past_the_first_chunk_skip_the_sector_bitmap_entry()
    {
        // 1 MiB blocks with 512-byte sectors: a sector bitmap entry follows every 4096 payload entries.
        var size = (4L << 30) + (3 * MiB);
        var raw = _disk.WriteRaw("big.raw", size, 3, (0, 4096), ((4L << 30) + MiB + 7, 5000));
        var vhdx = await WriteAsync(raw, Deterministic with { BlockSize = MiB });

        var bat = ReadBat(vhdx, 4099);
        Assert.Equal(0UL, bat[4096]); // the sector bitmap entry of the first chunk
        Assert.Equal((5UL << 20) | 6, bat[4098]); // payload block 4097
        Assert.Equal(0, QemuImg.Check(vhdx));
        Assert.True(QemuImg.Same(vhdx, raw));

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(vhdx));
        Assert.Equal(size, disk.Capacity);
        var buffer = new byte[8192];
        await disk.ReadAsync((4L << 30) + MiB, buffer);
        await using var file = File.OpenRead(raw);
        file.Position = (4L << 30) + MiB;
        var expected = new byte[8192];
        file.ReadExactly(expected);
        Assert.Equal(expected, buffer);
    }

    [Fact]
    public async Task Output_is_deterministic_with_fixed_ids_and_unique_without()
    {
        var raw = _disk.WriteStandardRaw();
        var first = await WriteAsync(raw, Deterministic, "first.vhdx");
        var second = await WriteAsync(raw, Deterministic, "second.vhdx");
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));

        var third = await WriteAsync(raw, null, "third.vhdx");
        var fourth = await WriteAsync(raw, null, "fourth.vhdx");
        Assert.NotEqual(File.ReadAllBytes(third).AsSpan(64 * 1024, 4096).ToArray(), File.ReadAllBytes(fourth).AsSpan(64 * 1024, 4096).ToArray());
    }

    [Fact]
    public async Task A_capacity_that_is_not_whole_sectors_is_rounded_up_with_zeros()
    {
        var raw = _disk.WriteRaw("odd.raw", (3L * MiB) + 100, 9, (3L * MiB, 100));
        var vhdx = await WriteAsync(raw, Deterministic);

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(vhdx));
        Assert.Equal((3L * MiB) + 512, disk.Capacity);
        var tail = new byte[512];
        await disk.ReadAsync(3L * MiB, tail);
        Assert.Equal(File.ReadAllBytes(raw).AsSpan((int)(3L * MiB)).ToArray(), tail[..100]);
        Assert.All(tail[100..], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(512 * 1024)]
    [InlineData(3 * MiB)]
    [InlineData(512 * MiB)]
    public async Task A_bad_block_size_is_refused(int blockSize)
    {
        await using var source = new RawDisk(new MemoryBlockSource(new byte[MiB]));
        await Assert.ThrowsAsync<ArgumentException>(() => DynamicVhdxWriter.WriteAsync(source, Stream.Null, new VhdxWriteOptions { BlockSize = blockSize }));
    }

    [Fact]
    public async Task Progress_reaches_the_capacity()
    {
        var raw = _disk.WriteStandardRaw();
        var reports = new List<long>();
        await using var source = new RawDisk(FileBlockSource.Open(raw));
        await DynamicVhdxWriter.WriteAsync(source, Stream.Null, Deterministic with { BlockSize = MiB }, new SynchronousProgress(reports.Add));
        Assert.Equal(source.Capacity, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    private static ulong[] ReadBat(string vhdx, int entries)
    {
        var bytes = File.ReadAllBytes(vhdx).AsSpan(3 * MiB, entries * 8);
        var result = new ulong[entries];
        for (var i = 0; i < entries; i++)
        {
            result[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
        }

        return result;
    }

    private async Task<string> WriteAsync(string raw, VhdxWriteOptions? options, string name = "out.vhdx")
    {
        var vhdx = _disk.PathOf(name);
        await using var source = new RawDisk(FileBlockSource.Open(raw));
        await using var output = new ForwardOnlyStream(File.Create(vhdx));
        var written = await DynamicVhdxWriter.WriteAsync(source, output, options);
        await output.DisposeAsync();
        Assert.Equal(new FileInfo(vhdx).Length, written);
        return vhdx;
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
