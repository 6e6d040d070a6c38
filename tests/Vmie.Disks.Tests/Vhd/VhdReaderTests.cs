using System.Buffers.Binary;
using System.Text.Json;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhd;

namespace Vmie.Disks.Tests.Vhd;

public sealed class VhdReaderTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableTheory]
    [InlineData("fixed", false)]
    [InlineData("fixed", true)]
    [InlineData("dynamic", false)]
    [InlineData("dynamic", true)]
    public async Task Qemu_vpc_images_read_byte_identical_to_their_raw_source(string subformat, bool forceSize)
    {
        var raw = _disk.WriteStandardRaw();
        var vhd = _disk.PathOf("disk.vhd");
        QemuImg.Convert(raw, vhd, "vpc", $"subformat={subformat}" + (forceSize ? ",force_size=on" : ""));
        // qemu probes a fixed VHD as raw (it looks for the cookie at offset 0 only): name the format.
        var qemuSize = JsonDocument.Parse(QemuImg.Run("info", "-f", "vpc", "--output=json", vhd)).RootElement.GetProperty("virtual-size").GetInt64();
        var qemuCreator = forceSize ? "qem2" : "qemu";

        await using var disk = await VhdDisk.OpenAsync(FileBlockSource.Open(vhd));

        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal(qemuCreator, disk.Footer.CreatorApplicationText);
        Assert.Equal(qemuSize, disk.Capacity);
        if (forceSize)
        {
            Assert.Equal(new FileInfo(raw).Length, disk.Capacity);
            await VirtualDiskAssert.SameAsRawAsync(disk, raw);
        }
        else
        {
            // qemu rounded the size up to a CHS geometry: the raw's bytes, then zeros.
            Assert.Equal(disk.Footer.Geometry.Capacity, disk.Capacity);
            Assert.True(disk.Capacity > new FileInfo(raw).Length);
            await VirtualDiskAssert.SameAsRawAsync(disk, PaddedCopy(raw, disk.Capacity));
        }
    }

    [SkippableFact]
    public async Task Dynamic_image_allocation_map_skips_unallocated_blocks()
    {
        var raw = _disk.WriteRaw("sparse.raw", 16L * TestDisk.MiB, 3, (5L * TestDisk.MiB, 4096));
        var vhd = _disk.PathOf("sparse.vhd");
        QemuImg.Convert(raw, vhd, "vpc", "subformat=dynamic,force_size=on");

        await using var disk = await VhdDisk.OpenAsync(FileBlockSource.Open(vhd));
        var extents = await ExtentsAsync(disk);

        // Only the 2 MiB block holding the data is allocated.
        Assert.Equal([new DiskExtent(4L * TestDisk.MiB, 2L * TestDisk.MiB)], extents);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task Sectors_whose_bitmap_bit_is_clear_read_as_zeros_and_are_not_allocated()
    {
        var raw = _disk.WriteRaw("full.raw", 4L * TestDisk.MiB, 4, (0, 4L * TestDisk.MiB));
        var vhd = _disk.PathOf("full.vhd");
        QemuImg.Convert(raw, vhd, "vpc", "subformat=dynamic,force_size=on");

        // Clear the bits of sectors 8..15 (byte 1 of the bitmap) and sector 0 of block 1.
        var block0 = (long)VhdFixture.ReadTableEntry(vhd, 0) * 512;
        var block1 = (long)VhdFixture.ReadTableEntry(vhd, 1) * 512;
        VhdFixture.Patch(vhd, block0 + 1, 0x00);
        VhdFixture.Patch(vhd, block1, 0x7F);
        var expected = File.ReadAllBytes(raw);
        Array.Clear(expected, 8 * 512, 8 * 512);
        Array.Clear(expected, 2 * TestDisk.MiB, 512);
        var expectedPath = _disk.PathOf("expected.raw");
        File.WriteAllBytes(expectedPath, expected);

        await using var disk = await VhdDisk.OpenAsync(FileBlockSource.Open(vhd));
        await VirtualDiskAssert.SameAsRawAsync(disk, expectedPath);
        Assert.Equal(
            [new DiskExtent(0, 8 * 512), new DiskExtent(16 * 512, (2L * TestDisk.MiB) - (16 * 512)), new DiskExtent((2L * TestDisk.MiB) + 512, (2L * TestDisk.MiB) - 512)],
            await ExtentsAsync(disk));
    }

    [SkippableFact]
    public async Task Parallel_reads_of_a_dynamic_image_agree()
    {
        var raw = _disk.WriteStandardRaw();
        var vhd = _disk.PathOf("disk.vhd");
        QemuImg.Convert(raw, vhd, "vpc", "subformat=dynamic,force_size=on");
        var expected = File.ReadAllBytes(raw);

        await using var disk = await VhdDisk.OpenAsync(FileBlockSource.Open(vhd));
        await Parallel.ForAsync(0, 64, async (i, ct) =>
        {
            var offset = (long)i * 147_457 % (expected.Length - 100_000);
            var buffer = new byte[100_000];
            Assert.Equal(buffer.Length, await disk.ReadAsync(offset, buffer, ct));
            Assert.True(expected.AsSpan((int)offset, buffer.Length).SequenceEqual(buffer));
        });
    }

    [Theory]
    [InlineData("vpc ", true)]
    [InlineData("qemu", true)]
    [InlineData("win ", false)]
    [InlineData("d2v ", false)]
    [InlineData("tap\0", false)]
    [InlineData("CTXS", false)]
    [InlineData("qem2", false)]
    [InlineData("wa\0\0", false)]
    [InlineData("vmie", false)]
    public void Virtual_size_follows_the_creator_application(string creator, bool byGeometry)
    {
        var geometry = VhdDiskGeometry.FromCapacity(10L << 30);
        var footer = new VhdFooter
        {
            DataOffset = VhdFooter.NoDataOffset,
            Timestamp = 0,
            CreatorApplication = VhdFooter.CreatorFromText(creator),
            CreatorVersion = 0,
            CreatorHostOs = 0,
            OriginalSize = 10UL << 30,
            CurrentSize = 10UL << 30,
            Geometry = geometry,
            DiskType = VhdDiskType.Fixed,
            UniqueId = Guid.Empty,
            SavedState = false,
        };

        Assert.NotEqual(10L << 30, geometry.Capacity);
        Assert.Equal(byGeometry ? geometry.Capacity : 10L << 30, footer.VirtualSize);
        Assert.Equal(10L << 30, (footer with { Geometry = VhdDiskGeometry.Maximum }).VirtualSize);
    }

    [SkippableFact]
    public async Task Bad_footer_checksum_is_refused()
    {
        var vhd = QemuDynamic();
        using (var file = new FileStream(vhd, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length - 512 + 40;
            file.WriteByte(0x55);
        }

        var error = await OpenFailsAsync(vhd);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Bad_dynamic_header_checksum_is_refused()
    {
        var vhd = QemuDynamic();
        VhdFixture.Patch(vhd, 512 + 60, 0x01);
        Assert.Contains("checksum", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Truncated_dynamic_image_is_refused()
    {
        var vhd = QemuDynamic();
        using (var file = new FileStream(vhd, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length - TestDisk.MiB);
        }

        Assert.Contains("truncated", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Truncated_fixed_image_is_refused()
    {
        var raw = _disk.WriteStandardRaw();
        var vhd = _disk.PathOf("fixed.vhd");
        QemuImg.Convert(raw, vhd, "vpc", "subformat=fixed,force_size=on");
        var footer = File.ReadAllBytes(vhd)[^512..];
        using (var file = new FileStream(vhd, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length - TestDisk.MiB);
            file.Position = file.Length - 512;
            file.Write(footer);
        }

        Assert.Contains("truncated", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Footer_copy_that_differs_is_refused()
    {
        var vhd = QemuDynamic();
        VhdFixture.Patch(vhd, 100, 0x01);
        Assert.StartsWith("Footers not identical", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Table_offset_past_the_end_of_the_file_is_refused()
    {
        var vhd = QemuDynamic();
        VhdFixture.EditHeader(vhd, h => BinaryPrimitives.WriteUInt64BigEndian(h.AsSpan(16), 1UL << 40));
        Assert.Contains("outside the file", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Table_entry_past_the_end_of_the_file_is_refused()
    {
        var vhd = QemuDynamic();
        VhdFixture.WriteTableEntry(vhd, 2, 0x00F0_0000);
        Assert.Contains("past the end", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(3u)]
    public async Task Table_entry_on_top_of_the_metadata_is_refused(uint sector)
    {
        var vhd = QemuDynamic();
        VhdFixture.WriteTableEntry(vhd, 2, sector);
        Assert.Contains("on top of", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Two_table_entries_sharing_a_block_are_refused()
    {
        var vhd = QemuDynamic();
        VhdFixture.WriteTableEntry(vhd, 3, VhdFixture.ReadTableEntry(vhd, 0));
        Assert.Contains("overlapping", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(0u)]
    [InlineData(1u << 31)]
    [InlineData(3u * 1024 * 1024)]
    [InlineData(256u)]
    public async Task Block_size_that_is_zero_huge_or_not_a_power_of_two_is_refused(uint blockSize)
    {
        var vhd = QemuDynamic();
        VhdFixture.EditHeader(vhd, h => BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(32), blockSize));
        Assert.Contains("block size", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Table_too_small_for_the_disk_is_refused()
    {
        var vhd = QemuDynamic();
        VhdFixture.EditHeader(vhd, h => BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(28), 2));
        Assert.Contains("too few", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(16L << 40)]
    [InlineData(long.MaxValue)]
    public async Task Declared_size_of_16_TiB_or_more_is_refused(long size)
    {
        var vhd = QemuDynamic();
        VhdFixture.EditFooters(vhd, f => BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(48), (ulong)size));
        Assert.Contains("16 TiB", (await OpenFailsAsync(vhd)).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Differencing_disk_is_refused_as_unsupported()
    {
        var vhd = QemuDynamic();
        VhdFixture.EditFooters(vhd, f => BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(60), 4));

        await using var source = FileBlockSource.Open(vhd);
        var error = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => VhdDisk.OpenAsync(source, ownsSource: false));
        Assert.StartsWith("Footers not identical", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_too_large_for_memory_is_read_on_demand_and_checked_entry_by_entry()
    {
        // 40 GiB of 512-byte blocks: 80 Mi entries, a 320 MiB table (a sparse file here), past the in-memory limit.
        const long capacity = 40L << 30;
        const uint entries = (uint)(capacity / 512);
        var path = _disk.PathOf("huge-table.vhd");
        var tableSize = VhdDynamicHeader.TableSizeFor(entries);
        var options = new VhdWriteOptions { Timestamp = DateTimeOffset.UnixEpoch, UniqueId = Guid.Empty };
        var footer = new byte[512];
        (options.CreateFooter(capacity, VhdDiskType.Dynamic, 512) with { CreatorApplication = VhdFooter.CreatorFromText("qem2") }).WriteTo(footer);
        var header = new byte[1024];
        new VhdDynamicHeader { TableOffset = 1536, MaxTableEntries = entries, BlockSize = 512 }.WriteTo(header);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            file.Write(footer);
            file.Write(header);
            file.Write(Enumerable.Repeat((byte)0xFF, 4 * 1024).ToArray()); // the first 1024 entries unused; the rest read 0
            file.SetLength(1536 + tableSize + 512);
            file.Position = 1536 + tableSize;
            file.Write(footer);
        }

        var started = DateTime.UtcNow;
        await using var disk = await VhdDisk.OpenAsync(FileBlockSource.Open(path));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "opening must not read the whole table");
        Assert.Equal(capacity, disk.Capacity);

        var buffer = new byte[64 * 1024];
        Array.Fill(buffer, (byte)1);
        Assert.Equal(buffer.Length, await disk.ReadAsync(0, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
        var error = await Assert.ThrowsAsync<InvalidDiskImageException>(async () => await disk.ReadAsync(1024 * 512, new byte[512]));
        Assert.Contains("on top of", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDiskImageException>(async () => await ExtentsAsync(disk));
    }

    [Fact]
    public async Task Files_that_are_not_vhd_are_refused()
    {
        var path = _disk.PathOf("junk.vhd");
        File.WriteAllBytes(path, new byte[4096]);
        Assert.Contains("not a VHD", (await OpenFailsAsync(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, new byte[100]);
        Assert.Contains("too short", (await OpenFailsAsync(path)).Message, StringComparison.Ordinal);
    }

    private string QemuDynamic()
    {
        var raw = _disk.WriteStandardRaw();
        var vhd = _disk.PathOf("dynamic.vhd");
        QemuImg.Convert(raw, vhd, "vpc", "subformat=dynamic,force_size=on");
        return vhd;
    }

    private string PaddedCopy(string raw, long size)
    {
        var padded = _disk.PathOf("padded.raw");
        File.Copy(raw, padded, overwrite: true);
        using var file = new FileStream(padded, FileMode.Open, FileAccess.Write);
        file.SetLength(size);
        return padded;
    }

    private static async Task<InvalidDiskImageException> OpenFailsAsync(string path)
    {
        await using var source = FileBlockSource.Open(path);
        var open = VhdDisk.OpenAsync(source, ownsSource: false);
        var finished = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(open, finished);
        var error = await Assert.ThrowsAnyAsync<InvalidDiskImageException>(() => open);
        Assert.IsNotType<UnsupportedDiskImageException>(error);
        return error;
    }

    private static async Task<List<DiskExtent>> ExtentsAsync(IVirtualDisk disk)
    {
        var extents = new List<DiskExtent>();
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            extents.Add(extent);
        }

        return extents;
    }
}
