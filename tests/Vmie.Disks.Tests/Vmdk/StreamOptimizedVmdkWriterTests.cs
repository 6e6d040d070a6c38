using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Tests.Vmdk;

public sealed class StreamOptimizedVmdkWriterTests : IDisposable
{
    private const int Sector = 512;
    private const int Grain = 64 * 1024;
    private const long Span = 32L * TestDisk.MiB;

    private static readonly VmdkWriteOptions Fixed = new() { ContentId = 0x1234abcd };

    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    public static TheoryData<string> Fixtures => ["standard", "unaligned-spans", "empty", "explicit-zeros", "partial-last-grain"];

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public async Task Qemu_checks_and_compares_clean_and_vmie_reads_it_back(string fixture)
    {
        var raw = WriteFixture(fixture);
        var vmdk = await WriteAsync(raw, Fixed);

        var check = QemuImg.TryRun("check", vmdk);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.True(QemuImg.Same(raw, vmdk), QemuImg.TryRun("compare", raw, vmdk).Output);
        var info = QemuImg.Info(vmdk);
        Assert.Equal("vmdk", info.GetProperty("format").GetString());
        Assert.Equal(new FileInfo(raw).Length, info.GetProperty("virtual-size").GetInt64());
        Assert.Equal("streamOptimized", info.GetProperty("format-specific").GetProperty("data").GetProperty("create-type").GetString());

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        Assert.True(disk.IsStreamOptimized);
        Assert.Equal(3u, disk.SparseVersion);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task Qemu_converts_the_output_back_to_the_source_bytes()
    {
        var raw = WriteFixture("unaligned-spans");
        var vmdk = await WriteAsync(raw, Fixed);
        var back = _disk.PathOf("back.raw");
        QemuImg.Convert(vmdk, back, "raw");
        Assert.True(File.ReadAllBytes(raw).AsSpan().SequenceEqual(File.ReadAllBytes(back)));
    }

    [Fact]
    public async Task Output_is_byte_identical_whatever_the_worker_count()
    {
        var raw = WriteFixture("unaligned-spans");
        var one = await WriteAsync(raw, Fixed with { WorkerCount = 1 }, "one.vmdk");
        var four = await WriteAsync(raw, Fixed with { WorkerCount = 4 }, "four.vmdk");
        var seven = await WriteAsync(raw, Fixed with { WorkerCount = 7 }, "seven.vmdk");
        var bytes = File.ReadAllBytes(one);
        Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(four)), "1 and 4 workers differ");
        Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(seven)), "1 and 7 workers differ");
    }

    [Fact]
    public async Task Header_descriptor_tables_and_footer_are_laid_out_as_VMware_does()
    {
        // Data in spans 0 and 2 of 3 (span 1 holds nothing): a table for each span with data, none for span 1.
        var size = (2 * Span) + (5 * Grain) + 1024;
        var raw = _disk.WriteRaw("layout.raw", size, 5, (3 * Grain, 2 * Grain), ((2 * Span) + Grain, 100));
        var vmdk = await WriteAsync(raw, Fixed with { AdapterType = "IDE", HardwareVersion = 7, ExtentFileName = "my disk.vmdk" });
        var file = File.ReadAllBytes(vmdk);
        Assert.Equal(0, file.Length % Sector);

        var header = file.AsSpan(0, Sector);
        Assert.True(header.StartsWith("KDMV"u8));
        Assert.Equal(3u, U32(header, 4));
        Assert.Equal(0x30001u, U32(header, 8));
        Assert.Equal((ulong)(size / Sector), U64(header, 12));
        Assert.Equal(128ul, U64(header, 20));
        Assert.Equal(1ul, U64(header, 28));
        Assert.Equal(512u, U32(header, 44));
        Assert.Equal(0ul, U64(header, 48));
        Assert.Equal(ulong.MaxValue, U64(header, 56));
        Assert.Equal(128ul, U64(header, 64));
        Assert.True(header[73..77].SequenceEqual("\n \r\n"u8));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(header[77..]));

        var descriptor = VmdkDescriptor.Parse(Encoding.UTF8.GetString(file, Sector, (int)U64(header, 36) * Sector));
        Assert.Equal("streamOptimized", descriptor.CreateType);
        Assert.Equal("1234abcd", descriptor.Entries["CID"]);
        Assert.False(descriptor.HasParent);
        var extent = Assert.Single(descriptor.Extents);
        Assert.Equal(("RW", size / Sector, "SPARSE", "my disk.vmdk"), (extent.Access, extent.SizeSectors, extent.Type, extent.FileName));
        Assert.Equal("ide", descriptor.DiskDatabase["ddb.adapterType"]);
        Assert.Equal("7", descriptor.DiskDatabase["ddb.virtualHWVersion"]);
        Assert.Equal("16", descriptor.DiskDatabase["ddb.geometry.heads"]);
        Assert.Equal("63", descriptor.DiskDatabase["ddb.geometry.sectors"]);
        Assert.Equal($"{size / Sector / (16 * 63)}", descriptor.DiskDatabase["ddb.geometry.cylinders"]);

        // Walk the stream from the overhead: grain markers, GT markers, then the GD marker.
        var position = 128L * Sector;
        var grainLbas = new List<ulong>();
        var tableSectors = new List<long>();
        while (true)
        {
            var marker = file.AsSpan((int)position, Sector);
            var lengthOrSize = U32(marker, 8);
            if (lengthOrSize != 0)
            {
                grainLbas.Add(U64(marker, 0));
                position += (12 + lengthOrSize + Sector - 1) / Sector * Sector;
                continue;
            }

            var type = U32(marker, 12);
            if (type != 1)
            {
                Assert.Equal(2u, type);
                break;
            }

            Assert.Equal(4ul, U64(marker, 0));
            tableSectors.Add((position / Sector) + 1);
            position += 5 * Sector;
        }

        // Grains 3, 4 (the data) and the grain at 2 spans + 1 grain; never the all-zero ones.
        Assert.Equal([3ul * 128, 4ul * 128, (ulong)((2 * Span) + Grain) / Sector], grainLbas);
        Assert.Equal(2, tableSectors.Count);

        var gdMarker = file.AsSpan((int)position, Sector);
        Assert.Equal(1ul, U64(gdMarker, 0));
        var directory = file.AsSpan((int)position + Sector, Sector);
        Assert.Equal((uint)tableSectors[0], U32(directory, 0));
        Assert.Equal(0u, U32(directory, 4));
        Assert.Equal((uint)tableSectors[1], U32(directory, 8));
        Assert.Equal(0u, U32(directory, 12));

        var firstTable = file.AsSpan((int)(tableSectors[0] * Sector), 2048);
        Assert.Equal(0u, U32(firstTable, 2 * 4));
        Assert.Equal(128u, U32(firstTable, 3 * 4));
        Assert.NotEqual(0u, U32(firstTable, 4 * 4));
        Assert.Equal(0u, U32(firstTable, 5 * 4));

        var footerMarker = file.AsSpan(file.Length - (3 * Sector), Sector);
        Assert.Equal((1ul, 0u, 3u), (U64(footerMarker, 0), U32(footerMarker, 8), U32(footerMarker, 12)));
        var footer = file.AsSpan(file.Length - (2 * Sector), Sector);
        Assert.True(footer[..56].SequenceEqual(header[..56]));
        Assert.Equal((ulong)(position / Sector) + 1, U64(footer, 56));
        Assert.True(footer[64..].SequenceEqual(header[64..]));
        Assert.False(file.AsSpan(file.Length - Sector).ContainsAnyExcept((byte)0), "the end-of-stream marker is a zero sector");
        Assert.Equal(position + (2 * Sector), file.Length - (3 * Sector));
    }

    [Fact]
    public async Task Defaults_are_lsilogic_hardware_version_4_and_a_random_content_id()
    {
        var raw = _disk.WriteRaw("small.raw", 8L * TestDisk.MiB, 9, (0, 4096));
        var first = await WriteAsync(raw, null, "a.vmdk");
        var second = await WriteAsync(raw, null, "b.vmdk");
        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(first));
        var database = disk.Descriptor!.DiskDatabase;
        Assert.Equal("lsilogic", database["ddb.adapterType"]);
        Assert.Equal("4", database["ddb.virtualHWVersion"]);
        Assert.Equal("255", database["ddb.geometry.heads"]);
        Assert.Equal("disk.vmdk", disk.Descriptor.Extents[0].FileName);
        await using var other = await VmdkDisk.OpenAsync(FileBlockSource.Open(second));
        Assert.NotEqual(disk.Descriptor.Entries["CID"], other.Descriptor!.Entries["CID"]);
    }

    [Fact]
    public async Task Writes_to_a_non_seekable_stream_the_same_bytes_as_to_a_file()
    {
        var raw = WriteFixture("standard");
        var file = await WriteAsync(raw, Fixed);
        using var captured = new MemoryStream();
        long written;
        await using (var disk = new RawDisk(FileBlockSource.Open(raw)))
        {
            written = await StreamOptimizedVmdkWriter.WriteAsync(disk, new ForwardOnlyStream(captured), Fixed);
        }

        Assert.Equal(captured.Length, written);
        Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(captured.ToArray()));
    }

    [Fact]
    public async Task Progress_rises_to_the_capacity()
    {
        var raw = WriteFixture("unaligned-spans");
        var reports = new List<long>();
        await using var disk = new RawDisk(FileBlockSource.Open(raw));
        await StreamOptimizedVmdkWriter.WriteAsync(disk, Stream.Null, Fixed, new SynchronousProgress(reports.Add));
        Assert.NotEmpty(reports);
        Assert.Equal(disk.Capacity, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public async Task Cancellation_stops_the_write()
    {
        var raw = _disk.WriteRaw("big.raw", 64L * TestDisk.MiB, 11, (0, 40L * TestDisk.MiB));
        await using var disk = new RawDisk(FileBlockSource.Open(raw));
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamOptimizedVmdkWriter.WriteAsync(disk, Stream.Null, Fixed, cancellationToken: cancelled.Token));
        }

        using var midway = new CancellationTokenSource();
        var output = new MemoryStream();
        var progress = new SynchronousProgress(done =>
        {
            if (done >= 4L * TestDisk.MiB)
            {
                midway.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamOptimizedVmdkWriter.WriteAsync(disk, output, Fixed with { WorkerCount = 2 }, progress, midway.Token));
        Assert.True(output.Length < 30L * TestDisk.MiB, $"{output.Length} bytes were written after cancellation");
    }

    [Fact]
    public async Task A_failing_source_fails_the_write_with_its_error()
    {
        await using var disk = new FailingDisk();
        var error = await Assert.ThrowsAsync<InvalidDiskImageException>(() => StreamOptimizedVmdkWriter.WriteAsync(disk, Stream.Null, Fixed with { WorkerCount = 3 }));
        Assert.Contains("broken", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scsi", 4, 1, 2)]
    [InlineData("pvscsi", 4, 1, 2)]
    [InlineData("lsilogic", 2, 1, 2)]
    [InlineData("lsilogic", 4, 0, 2)]
    [InlineData("lsilogic", 4, 10, 2)]
    [InlineData("lsilogic", 4, 1, 0)]
    public async Task Invalid_options_are_refused(string adapter, int hardwareVersion, int level, int workers)
    {
        await using var disk = new RawDisk(FileBlockSource.Open(WriteFixture("empty")));
        var options = new VmdkWriteOptions { AdapterType = adapter, HardwareVersion = hardwareVersion, CompressionLevel = level, WorkerCount = workers };
        await Assert.ThrowsAsync<ArgumentException>(() => StreamOptimizedVmdkWriter.WriteAsync(disk, Stream.Null, options));
    }

    [SkippableFact]
    public async Task A_capacity_that_is_not_whole_sectors_is_rounded_up_with_zeros()
    {
        var raw = _disk.WriteRaw("odd.raw", 70_000, 8, (65_000, 5_000));
        var vmdk = await WriteAsync(raw, Fixed);
        Assert.Equal(70_144, QemuImg.VirtualSize(vmdk));
        Assert.Equal(0, QemuImg.Check(vmdk));
        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        var back = new byte[70_144];
        Assert.Equal(back.Length, await disk.ReadAsync(0, back));
        Assert.True(File.ReadAllBytes(raw).AsSpan().SequenceEqual(back.AsSpan(0, 70_000)));
        Assert.False(back.AsSpan(70_000).ContainsAnyExcept((byte)0));
    }

    [Fact]
    public async Task An_empty_disk_of_no_bytes_is_refused()
    {
        var path = _disk.PathOf("nothing.raw");
        File.WriteAllBytes(path, []);
        await using var disk = new RawDisk(FileBlockSource.Open(path));
        await Assert.ThrowsAsync<ArgumentException>(() => StreamOptimizedVmdkWriter.WriteAsync(disk, Stream.Null));
    }

    [Fact]
    public async Task Incompressible_grains_are_stored_without_growing()
    {
        var raw = _disk.WriteRaw("random.raw", 4L * TestDisk.MiB, 13, (0, 4L * TestDisk.MiB - (64 * 1024)));
        var vmdk = await WriteAsync(raw, Fixed);
        // 63 grains of random data (the fixture's 64 KiB zero run straddles two of them): none grows by more than the
        // one sector its marker and zlib framing need. Trailer: one grain table, directory, footer, end of stream.
        var bound = (128 * Sector) + (63 * (Grain + Sector)) + (5 * Sector) + (4 * Sector);
        Assert.True(new FileInfo(vmdk).Length <= bound, $"{new FileInfo(vmdk).Length} bytes, more than {bound}");
        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    private string WriteFixture(string name) => name switch
    {
        "standard" => _disk.WriteStandardRaw(),
        // 70 MiB + 3 grains + 4 KiB: data across both 32 MiB boundaries and in the last, partial span.
        "unaligned-spans" => _disk.WriteRaw("spans.raw", (70L * TestDisk.MiB) + (3 * Grain) + 4096, 3,
            (Span - 300_000, 600_000), ((2 * Span) + 12_345, 70_000), (70L * TestDisk.MiB, 5000), ((70L * TestDisk.MiB) + (3 * Grain), 4096)),
        "empty" => _disk.WriteRaw("empty.raw", 40L * TestDisk.MiB, 1),
        "explicit-zeros" => WriteZeros("zeros.raw", 3L * TestDisk.MiB),
        // The last grain is 1.5 KiB long and holds data.
        "partial-last-grain" => _disk.WriteRaw("partial.raw", (5L * Grain) + 1536, 4, ((5L * Grain) + 100, 1000)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private string WriteZeros(string name, long size)
    {
        var path = _disk.PathOf(name);
        File.WriteAllBytes(path, new byte[size]);
        return path;
    }

    private async Task<string> WriteAsync(string raw, VmdkWriteOptions? options, string name = "out.vmdk")
    {
        var path = _disk.PathOf(name);
        await using var disk = new RawDisk(FileBlockSource.Open(raw));
        await using var output = new FileStream(path, FileMode.Create, FileAccess.Write);
        var written = await StreamOptimizedVmdkWriter.WriteAsync(disk, output, options);
        Assert.Equal(output.Length, written);
        return path;
    }

    private static uint U32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);

    /// <summary>A stream that only goes forward, like a multipart upload body.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>A disk whose reads fail past 2 MiB, as a corrupt source would.</summary>
    private sealed class FailingDisk : IVirtualDisk
    {
        public long Capacity => 16L * TestDisk.MiB;

        public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new DiskExtent(0, Capacity);
        }

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (offset >= 2L * TestDisk.MiB)
            {
                throw new InvalidDiskImageException("The source is broken here.");
            }

            buffer.Span.Fill(0x5A);
            return ValueTask.FromResult(buffer.Length);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
