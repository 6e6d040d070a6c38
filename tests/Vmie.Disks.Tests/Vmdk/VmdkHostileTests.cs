using System.Buffers.Binary;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Tests.Vmdk;

/// <summary>Damaged and lying VMDKs fail fast with <see cref="InvalidDiskImageException"/>, at open or at the first read of the damage.</summary>
public sealed class VmdkHostileTests : IDisposable
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);
    private readonly TestDisk _disk = new();
    private readonly string _raw;
    private readonly string _vmdk;
    private readonly VmwareStreamLayout _layout;

    public VmdkHostileTests()
    {
        _raw = _disk.WriteStandardRaw();
        _vmdk = _disk.PathOf("stream.vmdk");
        _layout = VmwareStreamVmdkWriter.Write(_raw, _vmdk);
    }

    public void Dispose() => _disk.Dispose();

    [Fact]
    public async Task Bad_magic_is_refused()
    {
        Patch(0, "KDMX"u8);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("KDMV", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(512)]
    [InlineData(64 * 1024)]
    public async Task Truncated_file_is_refused(int length)
    {
        using (var file = new FileStream(_vmdk, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(length);
        }

        await OpenFailsAsync<InvalidDiskImageException>();
    }

    [Fact]
    public async Task Truncated_stream_keeping_its_tail_fails_at_the_missing_grains()
    {
        // Cut out the middle of the file but keep the footer where a reader looks for it.
        var bytes = await File.ReadAllBytesAsync(_vmdk);
        var tail = bytes.AsSpan((int)(_layout.Length - 1536)).ToArray();
        await File.WriteAllBytesAsync(_vmdk, [.. bytes.AsSpan(0, 128 * 512), .. tail]);
        await OpenFailsAsync<InvalidDiskImageException>();
    }

    [Fact]
    public async Task Grain_directory_entry_past_the_end_is_refused()
    {
        PatchUInt32(_layout.GrainDirectoryOffset, 0x00FF_FFFF);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("outside the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grain_table_entry_past_the_end_is_refused()
    {
        PatchUInt32(_layout.GrainTableOffsets[0], 0x00FF_FFFF);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("grain 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grain_table_entry_past_the_end_fails_the_read_when_tables_are_read_on_demand()
    {
        PatchUInt32(_layout.GrainTableOffsets[0] + 4, 0x00FF_FFFF);
        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(_vmdk), null, true, tableMemoryLimit: 0, CancellationToken.None);
        Assert.Equal(4096, await disk.ReadAsync(0, new byte[4096]));
        var error = await Assert.ThrowsAsync<InvalidDiskImageException>(async () => await disk.ReadAsync(65536, new byte[4096]));
        Assert.Contains("grain 1", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDiskImageException>(async () =>
        {
            await foreach (var extent in disk.GetAllocatedExtentsAsync())
            {
                Assert.True(extent.Length > 0);
            }
        });
    }

    [Fact]
    public async Task Overlapping_grain_tables_are_refused()
    {
        // Two directory entries naming the same table.
        var raw = _disk.WriteRaw("big.raw", 80L * TestDisk.MiB, 4, (0, 4096), (40L * TestDisk.MiB, 4096));
        var layout = VmwareStreamVmdkWriter.Write(raw, _vmdk);
        var first = BinaryPrimitives.ReadUInt32LittleEndian(Read(layout.GrainDirectoryOffset, 4));
        PatchUInt32(layout.GrainDirectoryOffset + 4, first);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("overlap", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1L << 35)] // exactly 16 TiB in sectors
    [InlineData(long.MaxValue)]
    public async Task Capacity_of_16_TiB_or_more_is_refused(long sectors)
    {
        PatchUInt64(12, (ulong)sectors);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("16 TiB", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(4UL)]
    [InlineData(100UL)]
    [InlineData(4096UL)]
    public async Task Grain_size_out_of_bounds_or_not_a_power_of_two_is_refused(ulong grainSectors)
    {
        PatchUInt64(20, grainSectors);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("grain size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupted_deflate_data_fails_the_read()
    {
        // Overwrite the middle of the first grain's zlib stream.
        Patch(_layout.GrainMarkerOffsets[0] + 12 + 10, Enumerable.Repeat((byte)0xFF, 40).ToArray());
        await ReadFailsAsync(0);
    }

    [Fact]
    public async Task Marker_size_past_the_end_of_the_file_fails_the_read()
    {
        var last = _layout.GrainMarkerOffsets.Count - 1;
        PatchUInt32(_layout.GrainMarkerOffsets[last] + 8, 60_000);
        var error = await ReadFailsAsync(GrainOffsetOfMarker(last));
        Assert.Contains("compressed bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marker_size_covering_the_next_grains_fails_the_read()
    {
        PatchUInt32(_layout.GrainMarkerOffsets[1] + 8, 60_000);
        var error = await ReadFailsAsync(GrainOffsetOfMarker(1));
        Assert.Contains("invalid length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marker_size_too_small_fails_the_read()
    {
        PatchUInt32(_layout.GrainMarkerOffsets[0] + 8, 8);
        await ReadFailsAsync(0);
    }

    [Fact]
    public async Task Marker_size_beyond_twice_a_grain_fails_the_read()
    {
        PatchUInt32(_layout.GrainMarkerOffsets[0] + 8, 3 * 65536);
        await ReadFailsAsync(0);
    }

    [Fact]
    public async Task Marker_naming_another_lba_fails_the_read()
    {
        PatchUInt64(_layout.GrainMarkerOffsets[0], 128 * 7);
        var error = await ReadFailsAsync(0);
        Assert.Contains("names sector 896", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compression_algorithm_2_is_unsupported_in_aws_words()
    {
        Patch(77, [2, 0]);
        var error = await OpenFailsAsync<UnsupportedDiskImageException>();
        Assert.Equal("ERROR: File uses unsupported compression algorithm 2", error.Message);
    }

    [Fact]
    public async Task Compressed_grains_without_an_algorithm_are_unsupported_in_aws_words()
    {
        Patch(77, [0, 0]);
        var error = await OpenFailsAsync<UnsupportedDiskImageException>();
        Assert.Equal("ERROR: File uses unsupported compression algorithm 0", error.Message);
    }

    [Fact]
    public async Task Missing_footer_marker_is_refused()
    {
        PatchUInt32(_layout.FooterOffset - 512 + 12, 1);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("footer marker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Footer_disagreeing_with_the_header_is_refused()
    {
        PatchUInt64(_layout.FooterOffset + 12, 4);
        var error = await OpenFailsAsync<InvalidDiskImageException>();
        Assert.Contains("footer disagrees", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_sparse_version_is_refused()
    {
        PatchUInt32(4, 4);
        await OpenFailsAsync<UnsupportedDiskImageException>();
    }

    private long GrainOffsetOfMarker(int index) =>
        (long)BinaryPrimitives.ReadUInt64LittleEndian(Read(_layout.GrainMarkerOffsets[index], 8)) * 512;

    private async Task<TException> OpenFailsAsync<TException>()
        where TException : Exception
    {
        return await Assert.ThrowsAsync<TException>(async () =>
        {
            await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(_vmdk)).WaitAsync(Fast);
        });
    }

    private async Task<InvalidDiskImageException> ReadFailsAsync(long offset)
    {
        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(_vmdk));
        return await Assert.ThrowsAsync<InvalidDiskImageException>(async () => await disk.ReadAsync(offset, new byte[4096]).AsTask().WaitAsync(Fast));
    }

    private byte[] Read(long offset, int count)
    {
        using var file = new FileStream(_vmdk, FileMode.Open, FileAccess.Read);
        var bytes = new byte[count];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    private void Patch(long offset, ReadOnlySpan<byte> bytes)
    {
        using var file = new FileStream(_vmdk, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(bytes);
    }

    private void PatchUInt32(long offset, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Patch(offset, bytes);
    }

    private void PatchUInt64(long offset, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Patch(offset, bytes);
    }
}
