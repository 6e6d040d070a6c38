using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;

namespace Vmie.Disks.Tests.Sources;

public sealed class SparseFileExtentsTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly string _path = Path.Combine(Path.GetTempPath(), "vmie-sparse-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task A_sparse_file_reports_only_its_data_regions()
    {
        WriteSparse(16 * MiB, (MiB, MiB), (8 * MiB, 64 * 1024), (15 * MiB, MiB));
        await using var source = FileBlockSource.Open(_path);

        var extents = source.GetDataExtents().ToList();

        // File systems may round to their own block size, never below the written data.
        Assert.Equal(3, extents.Count);
        AssertCovers(extents[0], MiB, MiB);
        AssertCovers(extents[1], 8 * MiB, 64 * 1024);
        AssertCovers(extents[2], 15 * MiB, MiB);
        Assert.True(extents.Sum(e => e.Length) < 3 * MiB, "holes were reported as data");
    }

    [Fact]
    public async Task A_file_of_only_holes_has_no_extents_and_a_full_file_one()
    {
        WriteSparse(4 * MiB);
        await using (var empty = FileBlockSource.Open(_path))
        {
            Assert.Empty(empty.GetDataExtents());
        }

        File.WriteAllBytes(_path, Enumerable.Repeat((byte)7, 3 * MiB + 5).ToArray());
        await using var full = FileBlockSource.Open(_path);
        Assert.Equal([new DiskExtent(0, 3 * MiB + 5)], full.GetDataExtents());
    }

    [Fact]
    public async Task Extents_are_ascending_disjoint_and_inside_the_file()
    {
        var regions = Enumerable.Range(0, 40).Select(i => ((long)i * 3 * 65536, 4096L)).ToArray();
        WriteSparse(40 * 3 * 65536, regions);
        await using var source = FileBlockSource.Open(_path);

        long previousEnd = 0;
        foreach (var extent in source.GetDataExtents())
        {
            Assert.True(extent.Offset >= previousEnd && extent.Length > 0 && extent.End <= source.Length);
            previousEnd = extent.End;
        }

        foreach (var (offset, length) in regions)
        {
            Assert.Contains(source.GetDataExtents(), e => e.Offset <= offset && e.End >= offset + length);
        }
    }

    private static void AssertCovers(DiskExtent extent, long offset, long length)
    {
        Assert.True(extent.Offset <= offset && extent.End >= offset + length, $"{extent} does not cover [{offset}, {offset + length})");
        Assert.True(extent.Length < length + MiB, $"{extent} is much larger than the data it holds");
    }

    private void WriteSparse(long size, params (long Offset, long Length)[] regions)
    {
        using var file = new FileStream(_path, FileMode.Create, FileAccess.Write);
        file.SetLength(size);
        foreach (var (offset, length) in regions)
        {
            file.Position = offset;
            file.Write(Enumerable.Repeat((byte)0xA5, (int)length).ToArray());
        }
    }
}
