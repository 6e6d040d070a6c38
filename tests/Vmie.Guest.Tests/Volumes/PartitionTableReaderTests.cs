using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text.Json;
using Vmie.Disks.Sources;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Tests.Volumes;

public sealed class PartitionTableReaderTests
{
    private const string MbrScript = """
        label: dos
        label-id: 0x12345678
        start=2048, size=20480, type=83, bootable
        start=22528, size=10240, type=82
        start=34816, size=90112, type=5
        start=36864, size=8192, type=83
        start=47104, size=8192, type=8e
        start=57344, size=8192, type=7
        """;

    [SkippableFact]
    public async Task Mbr_with_extended_and_logical_partitions_matches_sfdisk()
    {
        var image = ExternalTool.SparseFile("mbr.img", 64 << 20);
        ExternalTool.RunWithInput("sfdisk", "fdisk", MbrScript, "--quiet", image);

        await using var disk = FileBlockSource.Open(image);
        var table = await PartitionTableReader.ReadAsync(disk);

        Assert.Equal(PartitionTableKind.Mbr, table.Kind);
        Assert.Equal(0x12345678u, table.DiskSignature);
        Assert.Empty(table.Warnings);
        Assert.Equal([1, 2, 3, 5, 6, 7], table.Partitions.Select(p => p.Number));
        Assert.True(table.Partitions[0].IsActive);
        Assert.True(table.Partitions[2].IsExtended);
        Assert.All(table.Partitions.Where(p => p.Number >= 5), p => Assert.True(p.IsLogical));
        AssertMatchesSfdisk(image, table);
    }

    [SkippableFact]
    public async Task Gpt_matches_sfdisk_and_names_the_partition_types()
    {
        var image = BuildGpt("gpt.img");
        await using var disk = FileBlockSource.Open(image);
        var table = await PartitionTableReader.ReadAsync(disk);

        Assert.Equal(PartitionTableKind.Gpt, table.Kind);
        Assert.Equal(ProtectiveMbrKind.Protective, table.ProtectiveMbr);
        Assert.False(table.UsedBackupGpt);
        Assert.Empty(table.Warnings);
        Assert.Equal(["BIOS boot", "EFI system", "Linux filesystem", "Linux LVM"], table.Partitions.Select(p => p.TypeName));
        Assert.Equal("ESP", table.Partitions[1].Name);
        Assert.True(table.Partitions[0].IsBiosBoot);
        Assert.True(table.Partitions[1].IsEfiSystem);
        Assert.False(table.IsDynamicDisk);
        AssertMatchesSfdisk(image, table);
    }

    [SkippableFact]
    public async Task A_damaged_primary_gpt_header_falls_back_to_the_backup_with_a_warning()
    {
        var image = BuildGpt("gpt-bad-primary.img");
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 512 + 40;
            stream.WriteByte(0x77);
        }

        await using var disk = FileBlockSource.Open(image);
        var table = await PartitionTableReader.ReadAsync(disk);

        Assert.True(table.UsedBackupGpt);
        Assert.Contains(table.Warnings, w => w.Contains("backup GPT header", StringComparison.Ordinal) && w.Contains("CRC-32 mismatch", StringComparison.Ordinal));
        Assert.Equal(4, table.Partitions.Count);
        AssertMatchesSfdisk(BuildGpt("gpt-reference.img"), table);
    }

    [SkippableFact]
    public async Task A_damaged_primary_entry_array_falls_back_to_the_backup()
    {
        var image = BuildGpt("gpt-bad-entries.img");
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 1024 + 130;
            stream.WriteByte(0x55);
        }

        await using var disk = FileBlockSource.Open(image);
        var table = await PartitionTableReader.ReadAsync(disk);

        Assert.True(table.UsedBackupGpt);
        Assert.Contains(table.Warnings, w => w.Contains("entry array CRC-32 mismatch", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Both_gpt_headers_damaged_is_a_corrupt_table_and_a_discovery_problem()
    {
        var image = BuildGpt("gpt-both-bad.img");
        var length = new FileInfo(image).Length;
        using (var stream = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 512 + 40;
            stream.WriteByte(0x77);
            stream.Position = length - 512 + 40;
            stream.WriteByte(0x77);
        }

        await using var disk = FileBlockSource.Open(image);
        await Assert.ThrowsAsync<CorruptVolumeException>(async () => await PartitionTableReader.ReadAsync(disk));
        var found = await GuestVolumes.DiscoverAsync([disk]);
        var problem = Assert.Single(found.Problems);
        Assert.Equal(VolumeProblemKind.CorruptPartitionTable, problem.Kind);
        Assert.Null(found.PartitionTables[0]);
    }

    [SkippableFact]
    public async Task A_hybrid_mbr_is_told_apart_from_a_protective_one()
    {
        var image = BuildGpt("gpt-hybrid.img");
        ExternalTool.Run("sgdisk", "gdisk", "-h", "2:3", image);
        ExternalTool.Run("sgdisk", "gdisk", "-A", "3:set:2", image);

        await using var disk = FileBlockSource.Open(image);
        var table = await PartitionTableReader.ReadAsync(disk);

        Assert.Equal(ProtectiveMbrKind.Hybrid, table.ProtectiveMbr);
        Assert.Equal(PartitionTableKind.Gpt, table.Kind);
        Assert.True(table.Partitions.Single(p => p.Number == 3).IsActive);
        Assert.False(table.Partitions.Single(p => p.Number == 2).IsActive);
    }

    [SkippableFact]
    public async Task Ldm_partitions_mark_a_dynamic_disk()
    {
        var image = ExternalTool.SparseFile("ldm.img", 16 << 20);
        ExternalTool.Run("sgdisk", "gdisk", "-n", "1:2048:+1M", "-t", "1:" + PartitionTypes.LdmMetadata, "-n", "2:0:0", "-t", "2:" + PartitionTypes.LdmData, image);
        await using var disk = FileBlockSource.Open(image);

        var found = await GuestVolumes.DiscoverAsync([disk]);

        Assert.True(found.PartitionTables[0]!.IsDynamicDisk);
        Assert.Contains(found.Problems, p => p.Kind == VolumeProblemKind.DynamicDisk && p.Subject == "/dev/sda");
    }

    [Fact]
    public async Task An_mbr_with_type_0x42_is_a_dynamic_disk()
    {
        var bytes = new byte[1 << 20];
        WriteMbrEntry(bytes, 0, 0, 0x42, 2048, 1024);
        bytes[510] = 0x55;
        bytes[511] = 0xAA;

        var table = await PartitionTableReader.ReadAsync(new MemoryBlockSource(bytes));

        Assert.True(table.IsDynamicDisk);
    }

    [Fact]
    public async Task An_extended_chain_that_loops_is_cut_off_fast()
    {
        var bytes = new byte[4 << 20];
        WriteMbrEntry(bytes, 0, 0, 0x05, 2048, 4096);
        bytes[510] = 0x55;
        bytes[511] = 0xAA;

        // EBR at 2048: one logical, then a link to the EBR at 2048+100, which links to itself.
        WriteEbr(bytes, 2048, logicalStart: 10, logicalSize: 50, nextRelative: 100);
        WriteEbr(bytes, 2148, logicalStart: 10, logicalSize: 50, nextRelative: 100);

        var watch = Stopwatch.StartNew();
        var table = await PartitionTableReader.ReadAsync(new MemoryBlockSource(bytes));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal([1, 5, 6], table.Partitions.Select(p => p.Number));
        Assert.Contains(table.Warnings, w => w.Contains("loops", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_long_extended_chain_is_capped()
    {
        var bytes = new byte[8 << 20];
        WriteMbrEntry(bytes, 0, 0, 0x05, 2048, 14000);
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        for (var i = 0; i < 200; i++)
        {
            WriteEbr(bytes, 2048 + (i * 64), logicalStart: 1, logicalSize: 32, nextRelative: (uint)((i + 1) * 64));
        }

        var table = await PartitionTableReader.ReadAsync(new MemoryBlockSource(bytes));

        Assert.Equal(1 + MbrPartitionReaderCap, table.Partitions.Count);
        Assert.Contains(table.Warnings, w => w.Contains("more than", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gpt_claiming_two_billion_entries_with_a_valid_crc_is_refused_fast()
    {
        var bytes = new byte[1 << 20];
        WriteMbrEntry(bytes, 0, 0, 0xEE, 1, (uint)((bytes.Length / 512) - 1));
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        WriteGptHeader(bytes, lba: 1, entryCount: 1u << 31);
        WriteGptHeader(bytes, lba: (bytes.Length / 512) - 1, entryCount: 1u << 31);

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CorruptVolumeException>(async () => await PartitionTableReader.ReadAsync(new MemoryBlockSource(bytes)));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Contains("beyond any sane table", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_whole_disk_fat_file_system_is_not_a_partition_table()
    {
        var image = ExternalTool.SparseFile("whole-fat.img", 32 << 20);
        ExternalTool.Run("mkfs.vfat", "dosfstools", "-n", "WHOLE", image);
        await using var disk = FileBlockSource.Open(image);

        var found = await GuestVolumes.DiscoverAsync([disk]);

        Assert.Equal(PartitionTableKind.None, found.PartitionTables[0]!.Kind);
        var volume = Assert.Single(found.Volumes);
        Assert.Equal("/dev/sda", volume.DeviceName);
        Assert.Equal("vfat", volume.Content.TypeName);
        Assert.Equal("WHOLE", volume.Content.Label);
    }

    private static int MbrPartitionReaderCap => 128;

    private static string BuildGpt(string name)
    {
        var image = ExternalTool.SparseFile(name, 64 << 20);
        ExternalTool.Run(
            "sgdisk", "gdisk",
            "-n", "1:2048:+1M", "-t", "1:ef02",
            "-n", "2:0:+20M", "-t", "2:ef00", "-c", "2:ESP",
            "-n", "3:0:+20M", "-t", "3:8300", "-c", "3:root",
            "-n", "4:0:0", "-t", "4:8e00",
            image);
        return image;
    }

    private static void AssertMatchesSfdisk(string image, PartitionTable table)
    {
        using var json = JsonDocument.Parse(ExternalTool.Run("sfdisk", "fdisk", "--json", image));
        var expected = json.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(expected.Count, table.Partitions.Count);
        foreach (var (want, got) in expected.Zip(table.Partitions))
        {
            Assert.EndsWith(got.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), want.GetProperty("node").GetString(), StringComparison.Ordinal);
            Assert.Equal(want.GetProperty("start").GetInt64() * 512, got.Start);
            Assert.Equal(want.GetProperty("size").GetInt64() * 512, got.Length);
            var type = want.GetProperty("type").GetString()!;
            if (got.TypeGuid is { } guid)
            {
                Assert.Equal(type, guid.ToString("D"), ignoreCase: true);
                Assert.Equal(want.TryGetProperty("name", out var n) ? n.GetString() : "", got.Name);
            }
            else
            {
                Assert.Equal(Convert.ToByte(type, 16), got.MbrType);
                Assert.Equal(want.TryGetProperty("bootable", out var b) && b.GetBoolean(), got.IsActive);
            }
        }
    }

    private static void WriteMbrEntry(byte[] disk, long sector, int slot, byte type, uint first, uint count)
    {
        var entry = disk.AsSpan((int)(sector * 512) + 446 + (slot * 16), 16);
        entry[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], first);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], count);
    }

    private static void WriteEbr(byte[] disk, long sector, uint logicalStart, uint logicalSize, uint nextRelative)
    {
        WriteMbrEntry(disk, sector, 0, 0x83, logicalStart, logicalSize);
        if (nextRelative != 0)
        {
            WriteMbrEntry(disk, sector, 1, 0x05, nextRelative, 64);
        }

        disk[(sector * 512) + 510] = 0x55;
        disk[(sector * 512) + 511] = 0xAA;
    }

    private static void WriteGptHeader(byte[] disk, long lba, uint entryCount)
    {
        var header = disk.AsSpan((int)(lba * 512), 92);
        "EFI PART"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0x00010000);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 92);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], (ulong)lba);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], 34);
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], (ulong)(disk.Length / 512) - 34);
        BinaryPrimitives.WriteUInt64LittleEndian(header[72..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header[80..], entryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header[84..], 128);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32.HashToUInt32(header));
    }
}
