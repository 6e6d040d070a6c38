using System.Diagnostics;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;

namespace Vmie.Disks.Tests.Raw;

public sealed class RawImageWriterTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableFact]
    public async Task A_local_copy_is_sparse_and_identical()
    {
        var source = _disk.WriteRaw("big.raw", 64L * TestDisk.MiB, 7, (TestDisk.MiB, 2 * TestDisk.MiB), (40L * TestDisk.MiB + 3, 5000));
        var copy = _disk.PathOf("copy.raw");

        await using (var disk = new RawDisk(FileBlockSource.Open(source)))
        {
            await RawImageWriter.WriteFileAsync(disk, copy);
        }

        Assert.True(QemuImg.Same(source, copy));
        Assert.Equal(new FileInfo(source).Length, new FileInfo(copy).Length);
        Assert.True(AllocatedBytes(copy) < 4L * TestDisk.MiB, $"{AllocatedBytes(copy)} bytes allocated for 2 MiB of data");
        Assert.False(File.Exists(copy + ".vmie-partial"));
    }

    [Fact]
    public async Task A_stream_copy_has_every_byte_in_order()
    {
        var source = _disk.WriteStandardRaw();
        using var output = new MemoryStream();

        await using (var disk = new RawDisk(FileBlockSource.Open(source)))
        {
            await RawImageWriter.WriteStreamAsync(disk, output);
        }

        Assert.Equal(await File.ReadAllBytesAsync(source), output.ToArray());
    }

    [Fact]
    public async Task A_failed_write_leaves_no_file()
    {
        var source = _disk.WriteStandardRaw();
        var copy = _disk.PathOf("copy.raw");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await using (var disk = new RawDisk(FileBlockSource.Open(source)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RawImageWriter.WriteFileAsync(disk, copy, cancellationToken: cancelled.Token));
        }

        Assert.False(File.Exists(copy));
        Assert.False(File.Exists(copy + ".vmie-partial"));
    }

    private static long AllocatedBytes(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%b %B", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Trim().Split(' ');
        stat.WaitForExit();
        return long.Parse(fields[0]) * long.Parse(fields[1]);
    }
}
