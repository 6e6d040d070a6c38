using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Vhdx;

/// <summary>Damaged and lying VHDX files fail at open with a clear error; one damaged copy of a duplicated structure is survived.</summary>
public sealed class VhdxHostileImageTests : IDisposable
{
    private const int MiB = TestDisk.MiB;
    private readonly TestDisk _disk = new();
    private string _raw = "";

    public void Dispose() => _disk.Dispose();

    [SkippableFact]
    public async Task Bad_file_signature_is_refused()
    {
        var editor = Base();
        editor.Bytes[0] = (byte)'X';
        await AssertInvalidAsync(editor, "vhdxfile");
    }

    [SkippableFact]
    public async Task Both_headers_corrupt_is_refused()
    {
        var editor = Base();
        editor.Bytes[(64 * 1024) + 100] ^= 1;
        editor.Bytes[(128 * 1024) + 100] ^= 1;
        await AssertInvalidAsync(editor, "headers");
    }

    [SkippableTheory]
    [InlineData(64 * 1024)]
    [InlineData(128 * 1024)]
    public async Task One_corrupt_header_is_survived(int headerOffset)
    {
        var editor = Base();
        editor.Bytes[headerOffset + 200] ^= 0x40;
        await using var disk = await OpenAsync(editor);
        await VirtualDiskAssert.SameAsRawAsync(disk, _raw);
    }

    [SkippableFact]
    public async Task Region_table_checksum_wrong_in_both_copies_is_refused()
    {
        var editor = Base();
        editor.Bytes[(192 * 1024) + 20] ^= 1;
        editor.Bytes[(256 * 1024) + 20] ^= 1;
        await AssertInvalidAsync(editor, "region tables");
    }

    [SkippableFact]
    public async Task Region_table_checksum_wrong_in_the_first_copy_falls_back_to_the_second()
    {
        var editor = Base();
        editor.Bytes[(192 * 1024) + 20] ^= 1;
        await using var disk = await OpenAsync(editor);
        await VirtualDiskAssert.SameAsRawAsync(disk, _raw);
    }

    [SkippableFact]
    public async Task Unknown_required_region_is_refused()
    {
        var editor = Base();
        foreach (var table in new[] { 192 * 1024, 256 * 1024 })
        {
            var count = BitConverter.ToInt32(editor.Bytes, table + 8);
            var entry = table + 16 + (count * 32);
            Guid.NewGuid().TryWriteBytes(editor.Bytes.AsSpan(entry, 16));
            editor.WriteUInt64(entry + 16, 100UL * MiB);
            editor.WriteUInt32(entry + 24, MiB);
            editor.WriteUInt32(entry + 28, 1);
            editor.WriteUInt32(table + 8, (uint)count + 1);
            editor.Reseal(table, 64 * 1024);
        }

        await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => OpenAsync(editor));
    }

    [SkippableFact]
    public async Task Bat_entry_past_the_end_of_the_file_is_refused()
    {
        var editor = Base();
        var entry = editor.BatEntry(0);
        Assert.Equal(6UL, entry & 7);
        editor.SetBatEntry(0, ((ulong)(editor.Bytes.Length / MiB) + 10) << 20 | 6);
        await AssertInvalidAsync(editor, "outside");
    }

    [SkippableFact]
    public async Task Truncated_file_is_refused_at_open()
    {
        var editor = Base();
        var lastFullBlock = Enumerable.Range(0, 9).Select(editor.BatEntry).Where(e => (e & 7) == 6).Max(e => (int)(e >> 20) * MiB);
        editor.Truncate(lastFullBlock + 1000);
        await AssertInvalidAsync(editor, "outside");
    }

    [SkippableFact]
    public async Task Two_blocks_mapped_to_the_same_file_range_are_refused()
    {
        var editor = Base();
        Assert.Equal(6UL, editor.BatEntry(1) & 7);
        editor.SetBatEntry(1, editor.BatEntry(0));
        await AssertInvalidAsync(editor, "overlapping");
    }

    [SkippableFact]
    public async Task A_block_mapped_over_the_bat_is_refused()
    {
        var editor = Base();
        editor.SetBatEntry(0, ((ulong)editor.BatOffset >> 20) << 20 | 6);
        await AssertInvalidAsync(editor, "metadata structure");
    }

    [SkippableTheory]
    [InlineData(7UL)]
    [InlineData(4UL)]
    public async Task Partially_present_or_unknown_block_states_are_refused(ulong state)
    {
        var editor = Base();
        editor.SetBatEntry(0, (editor.BatEntry(0) & ~7UL) | state);
        await AssertInvalidAsync(editor, "block 0");
    }

    [SkippableTheory]
    [InlineData(3u * MiB)]
    [InlineData(512u * 1024)]
    [InlineData(512u * MiB)]
    [InlineData(0u)]
    public async Task Block_size_not_a_power_of_two_in_range_is_refused(uint blockSize)
    {
        var editor = Base();
        editor.WriteUInt32(editor.MetadataItemOffset(VhdxImageEditor.FileParametersId), blockSize);
        await AssertInvalidAsync(editor, "block size");
    }

    [SkippableTheory]
    [InlineData(16UL << 40)]
    [InlineData(ulong.MaxValue)]
    public async Task Virtual_size_of_16_TiB_or_more_is_refused(ulong size)
    {
        var editor = Base();
        editor.WriteUInt64(editor.MetadataItemOffset(VhdxImageEditor.VirtualDiskSizeId), size);
        await AssertInvalidAsync(editor, "16 TiB");
    }

    [SkippableFact]
    public async Task Virtual_size_larger_than_the_bat_is_refused()
    {
        var editor = Base();
        editor.WriteUInt64(editor.MetadataItemOffset(VhdxImageEditor.VirtualDiskSizeId), 8UL << 40);
        await AssertInvalidAsync(editor, "BAT region");
    }

    [SkippableFact]
    public async Task Differencing_disk_is_refused_as_unsupported()
    {
        var editor = Base();
        var parameters = editor.MetadataItemOffset(VhdxImageEditor.FileParametersId);
        editor.WriteUInt32(parameters + 4, BitConverter.ToUInt32(editor.Bytes, parameters + 4) | 2);
        var error = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => OpenAsync(editor));
        Assert.Contains("differencing", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Version_other_than_1_is_refused()
    {
        var editor = Base();
        foreach (var header in new[] { 64 * 1024, 128 * 1024 })
        {
            editor.Bytes[header + 66] = 2;
            editor.Reseal(header, 4096);
        }

        await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => OpenAsync(editor));
    }

    private VhdxImageEditor Base()
    {
        _raw = _disk.WriteStandardRaw();
        var image = _disk.PathOf("base.vhdx");
        QemuImg.Convert(_raw, image, "vhdx", "subformat=dynamic,block_size=1M");
        return new VhdxImageEditor(image);
    }

    private async Task<VhdxDisk> OpenAsync(VhdxImageEditor editor)
    {
        var path = editor.Save(_disk.PathOf("edited.vhdx"));
        return await VhdxDisk.OpenAsync(FileBlockSource.Open(path));
    }

    private async Task AssertInvalidAsync(VhdxImageEditor editor, string messagePart)
    {
        var path = editor.Save(_disk.PathOf("edited.vhdx"));
        var source = FileBlockSource.Open(path);
        try
        {
            var error = await Assert.ThrowsAsync<InvalidDiskImageException>(() => VhdxDisk.OpenAsync(source));
            Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await source.DisposeAsync();
        }
    }
}
