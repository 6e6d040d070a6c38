using Vmie.Disks.Abstractions;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhd;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Writing;

/// <summary>
/// The block writers take one pass to a seekable output and two to a non-seekable one: both must give the
/// same bytes, whatever mix of data, explicit zeros and holes the source has.
/// </summary>
public sealed class OnePassWriterTests : IDisposable
{
    private static readonly VhdWriteOptions VhdOptions = new() { Timestamp = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), UniqueId = Guid.Parse("0b8e472d-b874-1f67-a884-c2ba600d5994") };

    private static readonly VhdxWriteOptions VhdxOptions = new()
    {
        DiskId = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        FileWriteGuid = Guid.Parse("21111111-2222-3333-4444-555555555555"),
        DataWriteGuid = Guid.Parse("31111111-2222-3333-4444-555555555555"),
    };

    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    public static TheoryData<string> Sources => ["standard", "zero-blocks", "late-data", "odd-size", "empty"];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Dynamic_vhd_is_the_same_in_one_pass_and_two(string source)
    {
        var raw = MakeSource(source);
        foreach (var blockSize in new uint[] { 64 * 1024, VhdDynamicHeader.DefaultBlockSize, 8u << 20 })
        {
            var options = VhdOptions with { BlockSize = blockSize };
            var (seekable, forwardOnly) = await WriteBothWaysAsync(raw, (disk, output) => DynamicVhdWriter.WriteAsync(disk, output, options));
            Assert.Equal(forwardOnly, seekable);
            await using var disk = await VhdDisk.OpenAsync(new MemoryBlockSource(seekable));
            await VirtualDiskAssert.SameAsRawAsync(disk, raw);
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Dynamic_vhdx_is_the_same_in_one_pass_and_two(string source)
    {
        var raw = MakeSource(source);
        foreach (var blockSize in new[] { 1 << 20, 8 << 20 })
        {
            var options = VhdxOptions with { BlockSize = blockSize };
            var (seekable, forwardOnly) = await WriteBothWaysAsync(raw, (disk, output) => DynamicVhdxWriter.WriteAsync(disk, output, options));
            Assert.Equal(forwardOnly, seekable);
            await using var disk = await VhdxDisk.OpenAsync(new MemoryBlockSource(seekable));
            await VirtualDiskAssert.SameAsRawAsync(disk, raw);
        }
    }

    [Fact]
    public async Task A_seekable_output_that_does_not_start_at_zero_gets_the_image_from_its_position()
    {
        var raw = MakeSource("standard");
        var (_, forwardOnly) = await WriteBothWaysAsync(raw, (disk, output) => DynamicVhdWriter.WriteAsync(disk, output, VhdOptions));
        using var output = new MemoryStream();
        output.Write(new byte[1000]);
        await using (var disk = new RawDisk(FileBlockSource.Open(raw)))
        {
            var written = await DynamicVhdWriter.WriteAsync(disk, output, VhdOptions);
            Assert.Equal(forwardOnly.Length, written);
        }

        Assert.Equal(forwardOnly, output.ToArray()[1000..]);
    }

    [Fact]
    public async Task A_failing_source_fails_the_one_pass_write()
    {
        await using var disk = new FailingDisk(64L * TestDisk.MiB);
        using var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<IOException>(() => DynamicVhdxWriter.WriteAsync(disk, output, VhdxOptions));
        Assert.Contains("source broke", error.Message, StringComparison.Ordinal);
    }

    private string MakeSource(string name) => name switch
    {
        "standard" => _disk.WriteStandardRaw(),
        // Explicit zeros over whole blocks (allocated in the file, all zero), data around them.
        "zero-blocks" => WithZeros(_disk.WriteRaw("zero-blocks.raw", 24L * TestDisk.MiB, 3, (TestDisk.MiB, TestDisk.MiB), (21L * TestDisk.MiB, 512 * 1024)), 4L * TestDisk.MiB, 16L * TestDisk.MiB),
        // Data only at the very end of blocks, after zeros the one-pass writer has to hold back.
        "late-data" => WithZeros(_disk.WriteRaw("late-data.raw", 20L * TestDisk.MiB, 5, ((16L * TestDisk.MiB) - 512, 512), ((8L * TestDisk.MiB) - 4096, 4096), (17L * TestDisk.MiB, TestDisk.MiB)), 0, (8L * TestDisk.MiB) - 4096),
        "odd-size" => _disk.WriteRaw("odd.raw", (9L * TestDisk.MiB) + 1536, 9, (2L * TestDisk.MiB, 3 * TestDisk.MiB)),
        "empty" => MakeEmpty(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Writes explicit zeros (allocated in the file, unlike holes) over a range of <paramref name="path"/>.</summary>
    private static string WithZeros(string path, long offset, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(new byte[length]);
        return path;
    }

    private string MakeEmpty()
    {
        var path = _disk.PathOf("empty.raw");
        using var file = File.Create(path);
        file.SetLength(12L * TestDisk.MiB);
        return path;
    }

    private static async Task<(byte[] Seekable, byte[] ForwardOnly)> WriteBothWaysAsync(string raw, Func<IVirtualDisk, Stream, Task<long>> write)
    {
        using var seekable = new MemoryStream();
        using var forwardOnly = new MemoryStream();
        await using (var disk = new RawDisk(FileBlockSource.Open(raw)))
        {
            var written = await write(disk, seekable);
            Assert.Equal(seekable.Length, written);
        }

        await using (var disk = new RawDisk(FileBlockSource.Open(raw)))
        {
            var written = await write(disk, new ForwardOnlyStream(forwardOnly));
            Assert.Equal(forwardOnly.Length, written);
        }

        return (seekable.ToArray(), forwardOnly.ToArray());
    }

    private sealed class FailingDisk(long capacity) : IVirtualDisk
    {
        public long Capacity => capacity;

        public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield return new DiskExtent(0, capacity);
        }

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            offset >= 8 * TestDisk.MiB ? throw new IOException("source broke") : ValueTask.FromResult(buffer.Length);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
