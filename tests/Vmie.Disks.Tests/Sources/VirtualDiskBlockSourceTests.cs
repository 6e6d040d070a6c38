using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Sources;

public sealed class VirtualDiskBlockSourceTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [Fact]
    public async Task A_disk_reads_as_a_block_source_whose_data_extents_are_its_allocated_extents()
    {
        var raw = _disk.WriteStandardRaw();
        var vhdx = _disk.PathOf("disk.vhdx");
        await using (var rawDisk = new RawDisk(FileBlockSource.Open(raw)))
        await using (var output = File.Create(vhdx))
        {
            await DynamicVhdxWriter.WriteAsync(rawDisk, output, new VhdxWriteOptions { BlockSize = TestDisk.MiB });
        }

        var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(vhdx));
        await using var source = new VirtualDiskBlockSource(disk);
        Assert.Equal(disk.Capacity, source.Length);
        Assert.Equal(await disk.GetAllocatedExtentsAsync().ToListAsync(), source.GetDataExtents().ToList());

        // A raw reader over the source sees the same disk, holes included.
        await using var again = new RawDisk(source, ownsSource: false);
        await VirtualDiskAssert.SameAsRawAsync(again, raw);
        var tail = new byte[100];
        Assert.Equal(0, await source.ReadAtAsync(source.Length, tail));
        Assert.Equal(1, await source.ReadAtAsync(source.Length - 1, tail));
    }
}
