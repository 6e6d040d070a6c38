using Vmie.Disks.Abstractions;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;

namespace Vmie.Disks.Tests.Raw;

public sealed class RawDiskTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly string _path = Path.Combine(Path.GetTempPath(), "vmie-raw-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task Allocation_map_of_a_sparse_raw_file_skips_holes_and_reads_match_the_file()
    {
        var data = new byte[MiB];
        new Random(5).NextBytes(data);
        using (var file = new FileStream(_path, FileMode.Create, FileAccess.Write))
        {
            file.SetLength(32 * MiB);
            file.Position = 10 * MiB;
            file.Write(data);
        }

        await using var disk = new RawDisk(FileBlockSource.Open(_path));
        var extents = new List<DiskExtent>();
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            extents.Add(extent);
        }

        var only = Assert.Single(extents);
        Assert.True(only.Offset <= 10 * MiB && only.End >= 11 * MiB && only.Length < 3 * MiB);
        Assert.Equal(32 * MiB, disk.Capacity);

        var buffer = new byte[MiB];
        Assert.Equal(MiB, await disk.ReadAsync(10 * MiB, buffer));
        Assert.Equal(data, buffer);
        Assert.Equal(MiB, await disk.ReadAsync(0, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(0, await disk.ReadAsync(32 * MiB, buffer));
    }

    [Fact]
    public async Task A_source_shorter_than_it_claims_fails_loudly()
    {
        File.WriteAllBytes(_path, new byte[4096]);
        await using var disk = new RawDisk(new ShrinkingSource(FileBlockSource.Open(_path), claimedLength: 8192));
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await disk.ReadAsync(0, new byte[8192]));
    }

    /// <summary>A source whose declared length exceeds what it can read, like a truncated upload.</summary>
    private sealed class ShrinkingSource(IBlockSource inner, long claimedLength) : IBlockSource
    {
        public long Length => claimedLength;

        public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAtAsync(offset, buffer, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
