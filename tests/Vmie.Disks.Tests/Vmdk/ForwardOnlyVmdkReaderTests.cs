using System.Buffers.Binary;
using System.IO.Compression;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Tests.Vmdk;

public sealed class ForwardOnlyVmdkReaderTests : IDisposable
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableTheory]
    [InlineData("qemu")]
    [InlineData("vmware")]
    public async Task A_non_seekable_stream_copies_to_the_same_bytes_as_the_raw(string layout)
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = Make(raw, layout);

        await using var input = new ForwardOnlyStream(File.OpenRead(vmdk), maxReadSize: 1000);
        var reader = await ForwardOnlyVmdkReader.OpenAsync(input);
        Assert.Equal(new FileInfo(raw).Length, reader.Capacity);
        Assert.Equal(64 * 1024, reader.GrainSize);
        Assert.Equal("streamOptimized", reader.Descriptor!.CreateType);

        using var output = new MemoryStream();
        var reports = new List<long>();
        Assert.Equal(reader.Capacity, await reader.CopyToAsync(new ForwardOnlyStream(output), new SynchronousProgress(reports.Add)));
        Assert.Equal(File.ReadAllBytes(raw), output.ToArray());
        Assert.Equal(reader.Capacity, reports[^1]);
    }

    [SkippableTheory]
    [InlineData("qemu")]
    [InlineData("vmware")]
    public async Task A_local_file_target_gets_the_raw_bytes_with_only_data_grains_written(string layout)
    {
        var raw = _disk.WriteRaw("sparse.raw", 64L * TestDisk.MiB, 4, (TestDisk.MiB, 100_000), (40L * TestDisk.MiB, 3 * TestDisk.MiB));
        var vmdk = Make(raw, layout);
        var target = _disk.PathOf("out.raw");

        await using (var input = new ForwardOnlyStream(File.OpenRead(vmdk)))
        {
            var reader = await ForwardOnlyVmdkReader.OpenAsync(input);
            using var handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write);
            await reader.CopyToAsync(handle);
        }

        Assert.Equal(File.ReadAllBytes(raw), File.ReadAllBytes(target));
        await using var written = Vmie.Disks.Sources.FileBlockSource.Open(target);
        var allocated = written.GetDataExtents().Sum(e => e.Length);
        Assert.True(allocated < 16L * TestDisk.MiB, $"{allocated} bytes allocated: holes were written");
    }

    [SkippableTheory]
    [InlineData("qemu")]
    [InlineData("vmware")]
    public async Task Grains_come_ascending_once_and_cover_every_non_zero_byte(string layout)
    {
        var raw = _disk.WriteStandardRaw();
        var bytes = File.ReadAllBytes(raw);
        var vmdk = Make(raw, layout);

        await using var input = new ForwardOnlyStream(File.OpenRead(vmdk));
        var reader = await ForwardOnlyVmdkReader.OpenAsync(input);
        var rebuilt = new byte[bytes.Length];
        long previousEnd = 0;
        await foreach (var grain in reader.ReadGrainsAsync())
        {
            Assert.True(grain.Offset >= previousEnd && grain.Offset % reader.GrainSize == 0);
            Assert.True(grain.Data.Length == reader.GrainSize || grain.End == reader.Capacity);
            grain.Data.CopyTo(rebuilt.AsMemory((int)grain.Offset));
            previousEnd = grain.End;
        }

        Assert.Equal(bytes, rebuilt);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.ReadGrainsAsync().ToListAsync());
    }

    [SkippableTheory]
    [InlineData("qemu", 300)]
    [InlineData("qemu", 70_000)]
    [InlineData("vmware", 300)]
    [InlineData("vmware", 70_000)]
    [InlineData("vmware", -700)]
    [InlineData("vmware", -10)]
    public async Task A_truncated_stream_fails_fast(string layout, int length)
    {
        var raw = _disk.WriteStandardRaw();
        var bytes = File.ReadAllBytes(Make(raw, layout));
        var cut = length > 0 ? bytes[..length] : bytes[..^-length];
        if (layout == "qemu" && length > 0)
        {
            // qemu's stream ends in an end-of-stream sector and zero padding: cut inside the grains instead.
            cut = bytes[..FirstGrainOffset(bytes)].Concat(bytes.AsSpan(FirstGrainOffset(bytes), 600).ToArray()).ToArray();
        }

        var error = await CopyFailsAsync<InvalidDiskImageException>(cut);
        Assert.Contains("ended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_deflate_data_is_refused()
    {
        var bytes = VmwareBytes(out var layout);
        var grain = (int)layout.GrainMarkerOffsets[1];
        bytes.AsSpan(grain + 12, 40).Fill(0x5A);
        var error = await CopyFailsAsync<InvalidDiskImageException>(bytes);
        Assert.Contains("deflate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grain_that_decodes_short_is_refused_with_the_documented_message()
    {
        var bytes = VmwareBytes(out var layout);
        var grain = (int)layout.GrainMarkerOffsets[0];
        using var shortGrain = new MemoryStream();
        using (var zlib = new ZLibStream(shortGrain, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(new byte[100]);
        }

        // The marker still declares its original size; the zlib stream inside ends after 100 bytes.
        shortGrain.ToArray().CopyTo(bytes, grain + 12);
        var error = await CopyFailsAsync<InvalidDiskImageException>(bytes);
        Assert.StartsWith("Uncompressed data has invalid length.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grains_out_of_order_are_refused()
    {
        var bytes = VmwareBytes(out var layout);
        var first = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)layout.GrainMarkerOffsets[0]));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)layout.GrainMarkerOffsets[1]), first);
        var error = await CopyFailsAsync<InvalidDiskImageException>(bytes);
        Assert.Contains("ascending", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grain_past_the_capacity_or_a_lying_metadata_marker_is_refused()
    {
        var bytes = VmwareBytes(out var layout);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)layout.GrainMarkerOffsets[^1]), 1UL << 40);
        await CopyFailsAsync<InvalidDiskImageException>(bytes);

        bytes = VmwareBytes(out layout);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)layout.GrainTableOffsets[0] - 512), 1UL << 40);
        var error = await CopyFailsAsync<InvalidDiskImageException>(bytes);
        Assert.Contains("declares", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_monolithic_sparse_vmdk_is_refused_as_unsupported()
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("sparse.vmdk");
        QemuImg.Convert(raw, vmdk, "vmdk", "subformat=monolithicSparse");
        await using var input = new ForwardOnlyStream(File.OpenRead(vmdk));
        var error = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => ForwardOnlyVmdkReader.OpenAsync(input));
        Assert.StartsWith(VmdkDisk.UnsupportedFormatMessage, error.Message, StringComparison.Ordinal);
    }

    private static int FirstGrainOffset(byte[] bytes) =>
        (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(64)) * 512; // overHead, in sectors

    private string Make(string raw, string layout)
    {
        var vmdk = _disk.PathOf(layout + ".vmdk");
        if (layout == "vmware")
        {
            VmwareStreamVmdkWriter.Write(raw, vmdk);
        }
        else
        {
            QemuImg.Convert(raw, vmdk, "vmdk", "subformat=streamOptimized");
        }

        return vmdk;
    }

    private byte[] VmwareBytes(out VmwareStreamLayout layout)
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("vmware.vmdk");
        layout = VmwareStreamVmdkWriter.Write(raw, vmdk);
        return File.ReadAllBytes(vmdk);
    }

    private static async Task<T> CopyFailsAsync<T>(byte[] image)
        where T : Exception
    {
        using var timeout = new CancellationTokenSource(Fast);
        await using var input = new ForwardOnlyStream(new MemoryStream(image), maxReadSize: 4096);
        return await Assert.ThrowsAsync<T>(async () =>
        {
            var reader = await ForwardOnlyVmdkReader.OpenAsync(input, timeout.Token);
            await reader.CopyToAsync(Stream.Null, cancellationToken: timeout.Token);
        });
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
