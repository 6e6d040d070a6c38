using System.Buffers.Binary;
using System.Diagnostics;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ntfs;

namespace Vmie.Guest.Tests.FileSystems.Ntfs;

/// <summary>Copies of the test image damaged on purpose: each must fail fast with <see cref="CorruptFileSystemException"/>.</summary>
public sealed class NtfsDamagedVolumeTests
{
    private const long RootRecord = 5;

    [SkippableFact]
    public async Task A_bad_fix_up_in_the_root_record_is_refused()
    {
        var image = NtfsTestImage.Copy("bad-fixup");
        Patch(image, NtfsTestImage.RecordOffset(image, RootRecord) + 510, [0x12, 0x34]);
        await AssertCorruptAsync(image, fs => Task.CompletedTask);
    }

    [SkippableFact]
    public async Task A_boot_sector_larger_than_the_volume_is_refused()
    {
        var image = NtfsTestImage.Copy("big-boot");
        Patch(image, 0x28, BitConverter.GetBytes(1L << 40));
        await AssertCorruptAsync(image, fs => Task.CompletedTask);
    }

    [SkippableFact]
    public async Task A_truncated_volume_is_refused()
    {
        var image = NtfsTestImage.Copy("truncated");
        using (var stream = new FileStream(image, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        await AssertCorruptAsync(image, fs => Task.CompletedTask);
    }

    [SkippableFact]
    public async Task A_runlist_past_the_volume_is_refused()
    {
        var image = NtfsTestImage.Copy("runlist");
        var record = NtfsTestImage.RecordOffset(image, RecordOf(image, "large.bin"));
        var (attribute, _) = FindAttribute(image, record, 0x80);
        var pairs = record + attribute + BinaryPrimitives.ReadUInt16LittleEndian(Read(image, record + attribute + 0x20, 2));
        Patch(image, pairs, [0x41, 0x01, 0xFF, 0xFF, 0xFF, 0x7F]);
        await AssertCorruptAsync(image, async fs => await new GuestFiles(fs).ReadAllBytesAsync("/large.bin"));
    }

    [SkippableFact]
    public async Task An_attribute_list_naming_another_files_record_is_refused()
    {
        var image = NtfsTestImage.Copy("attribute-list-foreign");
        AddAttributeList(image, RecordOf(image, "tiny.txt"), targetRecord: RootRecord, duplicate: false);
        await AssertCorruptAsync(image, async fs => await new GuestFiles(fs).FindAsync("/tiny.txt"));
    }

    [SkippableFact]
    public async Task An_attribute_list_looping_on_its_own_record_is_refused()
    {
        var image = NtfsTestImage.Copy("attribute-list-loop");
        var number = RecordOf(image, "tiny.txt");
        AddAttributeList(image, number, targetRecord: number, duplicate: true);
        await AssertCorruptAsync(image, async fs => await new GuestFiles(fs).FindAsync("/tiny.txt"));
    }

    [SkippableFact]
    public async Task An_index_tree_reaching_a_node_twice_is_refused()
    {
        var image = NtfsTestImage.Copy("index-loop");

        // ntfs-3g's root node has one entry, leading to an inner INDX node whose entries lead to the leaves.
        var root = RootIndexEntries(image);
        Assert.True((Read(image, root + 0x0C, 1)[0] & 3) == 3, "the root's only entry should lead to a child");
        var inner = IndexRecordOffset(image, BinaryPrimitives.ReadInt64LittleEndian(Read(image, root + 0x10, 8)));
        var entries = inner + 0x18 + BinaryPrimitives.ReadUInt32LittleEndian(Read(image, inner + 0x18, 4));
        var first = BinaryPrimitives.ReadUInt16LittleEndian(Read(image, entries + 8, 2));
        var second = BinaryPrimitives.ReadUInt16LittleEndian(Read(image, entries + first + 8, 2));
        Assert.True((Read(image, entries + 0x0C, 1)[0] & 1) != 0 && entries + first + second - inner < 510);

        // Both entries now lead to the second one's child node.
        Patch(image, entries + first - 8, Read(image, entries + first + second - 8, 8));
        await AssertCorruptAsync(image, async fs =>
        {
            await foreach (var entry in fs.ListAsync(fs.Root))
            {
                _ = entry;
            }
        });
    }

    [SkippableFact]
    public async Task An_index_record_claiming_another_vcn_is_refused()
    {
        var image = NtfsTestImage.Copy("index-vcn");
        var root = RootIndexEntries(image);
        var inner = IndexRecordOffset(image, BinaryPrimitives.ReadInt64LittleEndian(Read(image, root + 0x10, 8)));
        Patch(image, inner + 0x10, BitConverter.GetBytes(77L));
        await AssertCorruptAsync(image, async fs => await new GuestFiles(fs).FindAsync("/tiny.txt"));
    }

    /// <summary>Volume offset of the root directory's first $INDEX_ROOT entry.</summary>
    private static long RootIndexEntries(string image)
    {
        var record = NtfsTestImage.RecordOffset(image, RootRecord);
        var (attribute, _) = FindAttribute(image, record, 0x90);
        var node = record + attribute + BinaryPrimitives.ReadUInt16LittleEndian(Read(image, record + attribute + 0x14, 2)) + 0x10;
        return node + BinaryPrimitives.ReadUInt32LittleEndian(Read(image, node, 4));
    }

    /// <summary>Volume offset of the root directory's INDX record at <paramref name="vcn"/>, found by walking $INDEX_ALLOCATION's runlist.</summary>
    private static long IndexRecordOffset(string image, long vcn)
    {
        var record = NtfsTestImage.RecordOffset(image, RootRecord);
        var (attribute, _) = FindAttribute(image, record, 0xA0);
        var pairs = record + attribute + BinaryPrimitives.ReadUInt16LittleEndian(Read(image, record + attribute + 0x20, 2));
        long start = 0, lcn = 0;
        while (Read(image, pairs, 1)[0] is var header && header != 0)
        {
            var length = BinaryPrimitives.ReadInt64LittleEndian(Read(image, pairs + 1, header & 0x0F).Concat(new byte[8]).Take(8).ToArray());
            var delta = Read(image, pairs + 1 + (header & 0x0F), header >> 4);
            var extended = delta.Concat(Enumerable.Repeat((byte)((delta[^1] & 0x80) != 0 ? 0xFF : 0), 8)).Take(8).ToArray();
            lcn += BinaryPrimitives.ReadInt64LittleEndian(extended);
            if (vcn < start + length)
            {
                return (lcn + vcn - start) * 4096;
            }

            start += length;
            pairs += 1 + (header & 0x0F) + (header >> 4);
        }

        throw new InvalidOperationException($"VCN {vcn} is not mapped.");
    }

    private static async Task AssertCorruptAsync(string image, Func<NtfsFileSystem, Task> use)
    {
        var watch = Stopwatch.StartNew();
        await using var source = FileBlockSource.Open(image);
        await Assert.ThrowsAsync<CorruptFileSystemException>(async () =>
        {
            await using var fs = await NtfsFileSystem.OpenAsync(source);
            await use(fs);
        });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    private static long RecordOf(string image, string name) =>
        long.Parse(NtfsTestImage.Tool("ntfsls", "-i", image).Split('\n').Select(line => line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .Single(parts => parts.Length == 2 && parts[1].Trim() == name)[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Offset (in the record) and length of the first attribute of <paramref name="type"/>; the tests patch only the record's first sector, which the fix-ups leave alone.</summary>
    private static (int Offset, int Length) FindAttribute(string image, long record, uint type)
    {
        var bytes = Read(image, record, 1024);
        var position = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(0x14));
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position)) is var found && found != 0xFFFFFFFF)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 4));
            if (found == type)
            {
                return (position, length);
            }

            position += (ushort)length;
        }

        throw new InvalidOperationException($"No attribute 0x{type:X} in the record at {record}.");
    }

    /// <summary>Appends a resident $ATTRIBUTE_LIST with two entries naming <paramref name="targetRecord"/>.</summary>
    private static void AddAttributeList(string image, long number, long targetRecord, bool duplicate)
    {
        var record = NtfsTestImage.RecordOffset(image, number);
        var bytes = Read(image, record, 1024);
        var used = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(0x18));
        var end = used - 8;
        var attribute = new byte[0x18 + 0x40];
        BinaryPrimitives.WriteUInt32LittleEndian(attribute, 0x20);
        BinaryPrimitives.WriteUInt32LittleEndian(attribute.AsSpan(4), (uint)attribute.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(0x0A), 0x18);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(0x0E), 0x30);
        BinaryPrimitives.WriteUInt32LittleEndian(attribute.AsSpan(0x10), 0x40);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(0x14), 0x18);
        for (var i = 0; i < 2; i++)
        {
            var entry = attribute.AsSpan(0x18 + (i * 0x20), 0x20);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, 0x80);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[4..], 0x20);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], 0x1A);
            BinaryPrimitives.WriteInt64LittleEndian(entry[0x10..], targetRecord);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[0x18..], (ushort)(duplicate ? 7 : i + 7));
        }

        Assert.True(end + attribute.Length + 8 < 510);
        Patch(image, record + end, [.. attribute, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]);
        Patch(image, record + 0x18, BitConverter.GetBytes(used + attribute.Length));
    }

    private static byte[] Read(string image, long offset, int length)
    {
        using var stream = File.OpenRead(image);
        stream.Position = offset;
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static void Patch(string image, long offset, byte[] bytes)
    {
        using var stream = new FileStream(image, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(bytes);
    }
}
