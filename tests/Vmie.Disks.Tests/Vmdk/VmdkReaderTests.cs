using System.Buffers.Binary;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Tests.Vmdk;

public sealed class VmdkReaderTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableTheory]
    [InlineData("streamOptimized", VmdkDisk.StreamOptimized)]
    [InlineData("monolithicSparse", VmdkDisk.MonolithicSparse)]
    public async Task Qemu_sparse_vmdks_read_identical_to_their_raw(string subformat, string expectedCreateType)
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("disk.vmdk");
        QemuImg.Convert(raw, vmdk, "vmdk", "subformat=" + subformat);

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        Assert.Equal(expectedCreateType, disk.CreateType);
        Assert.Equal(subformat == "streamOptimized", disk.IsStreamOptimized);
        Assert.Equal("ide", disk.Descriptor!.DiskDatabase["ddb.adapterType"]);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task Qemu_stream_vmdk_reports_only_grains_present_as_allocated()
    {
        var raw = _disk.WriteRaw("sparse.raw", 64L * TestDisk.MiB, 3, (10L * TestDisk.MiB, 100_000));
        var vmdk = _disk.PathOf("sparse.vmdk");
        QemuImg.Convert(raw, vmdk, "vmdk", "subformat=streamOptimized");

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        var extents = new List<DiskExtent>();
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            extents.Add(extent);
        }

        // 100,000 bytes from a 64 KiB boundary span two 64 KiB grains.
        Assert.Equal([new DiskExtent(10L * TestDisk.MiB, 128 * 1024)], extents);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task Qemu_monolithic_flat_vmdk_reads_through_the_resolver()
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("flat.vmdk");
        QemuImg.Convert(raw, vmdk, "vmdk", "subformat=monolithicFlat");
        var resolved = new List<string>();

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk), name =>
        {
            resolved.Add(name);
            return FileBlockSource.Open(_disk.PathOf(name));
        });

        Assert.Equal(["flat-flat.vmdk"], resolved);
        Assert.Equal(VmdkDisk.MonolithicFlat, disk.CreateType);
        Assert.False(disk.IsStreamOptimized);
        Assert.Null(disk.SparseVersion);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [Fact]
    public async Task Vmware_layout_stream_with_directory_in_the_footer_reads_identical()
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("vmware.vmdk");
        var layout = VmwareStreamVmdkWriter.Write(raw, vmdk);
        Assert.True(layout.GrainMarkerOffsets.Count > 4);

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        Assert.Equal(VmdkDisk.StreamOptimized, disk.CreateType);
        Assert.Equal(3u, disk.SparseVersion);
        Assert.Equal("lsilogic", disk.Descriptor!.DiskDatabase["ddb.adapterType"]);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Grain_tables_read_on_demand_when_over_the_memory_limit_give_the_same_bytes(bool vmwareLayout)
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("disk.vmdk");
        if (vmwareLayout)
        {
            VmwareStreamVmdkWriter.Write(raw, vmdk);
        }
        else
        {
            QemuImg.Convert(raw, vmdk, "vmdk", "subformat=streamOptimized");
        }

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk), null, true, tableMemoryLimit: 0, CancellationToken.None);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [Fact]
    public async Task Parallel_readers_get_the_same_bytes_as_the_raw()
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("vmware.vmdk");
        VmwareStreamVmdkWriter.Write(raw, vmdk);
        var expected = await File.ReadAllBytesAsync(raw);

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        var readers = Enumerable.Range(0, 8).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            for (var i = 0; i < 100; i++)
            {
                var offset = random.NextInt64(expected.LongLength);
                var buffer = new byte[(int)Math.Min(random.Next(1, 200_000), expected.LongLength - offset)];
                Assert.Equal(buffer.Length, await disk.ReadAsync(offset, buffer));
                Assert.True(expected.AsSpan((int)offset, buffer.Length).SequenceEqual(buffer), $"read at {offset} differs");
            }
        }));
        await Task.WhenAll(readers);
    }

    [SkippableFact]
    public async Task Monolithic_sparse_with_a_damaged_primary_directory_reads_from_the_redundant_one()
    {
        var raw = _disk.WriteStandardRaw();
        var vmdk = _disk.PathOf("disk.vmdk");
        QemuImg.Convert(raw, vmdk, "vmdk", "subformat=monolithicSparse");
        var header = new byte[512];
        using (var file = new FileStream(vmdk, FileMode.Open, FileAccess.ReadWrite))
        {
            file.ReadExactly(header);
            var primary = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(56));
            file.Position = primary * 512;
            file.Write(BitConverter.GetBytes(0x7FFFFFF0u));
        }

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(vmdk));
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }
}
