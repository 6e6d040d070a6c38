using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vhdx;
using Write = Vmie.Disks.Tests.Vhdx.VhdxLogEntryBuilder.Write;

namespace Vmie.Disks.Tests.Vhdx;

/// <summary>
/// Files left with a log to replay (as after a crash): vmie replays it in memory and reads what a replay
/// by qemu (`qemu-img check -r all`, which writes the replay into the file) makes of it.
/// </summary>
public sealed class VhdxLogReplayTests : IDisposable
{
    private const int MiB = TestDisk.MiB;
    private readonly TestDisk _disk = new();
    private readonly Guid _logGuid = Guid.NewGuid();

    public void Dispose() => _disk.Dispose();

    [SkippableFact]
    public async Task Data_and_zero_descriptors_are_replayed_like_qemu_does()
    {
        var (raw, editor) = Base();
        var block0 = BlockFileOffset(editor, 0);
        var sector = Pattern(7);
        var length = (ulong)editor.Bytes.Length;
        AddEntry(editor, 0, VhdxLogEntryBuilder.Build(5, _logGuid, 0, length, length, new Write(block0 + 8192, sector), new Write(block0 + 65536, null, 8192)));
        var image = editor.Save(_disk.PathOf("logged.vhdx"));

        var expected = await File.ReadAllBytesAsync(raw);
        sector.CopyTo(expected, 8192);
        Array.Clear(expected, 65536, 8192);
        var expectedPath = _disk.PathOf("expected.raw");
        await File.WriteAllBytesAsync(expectedPath, expected);

        await using (var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image)))
        {
            Assert.True(disk.LogReplayed);
            await VirtualDiskAssert.SameAsRawAsync(disk, expectedPath);
        }

        // qemu replays the same log into a copy; its result must be what vmie read.
        var replayed = _disk.PathOf("replayed.vhdx");
        File.Copy(image, replayed);
        QemuImg.TryRun("check", "-r", "all", replayed);
        var qemuRaw = _disk.PathOf("qemu.raw");
        QemuImg.Convert(replayed, qemuRaw, "raw");
        Assert.Equal(expected, await File.ReadAllBytesAsync(qemuRaw));
    }

    [SkippableFact]
    public async Task Bat_updates_in_the_log_are_seen_before_the_bat_is_read()
    {
        var (raw, editor) = Base();
        var batSector = editor.Bytes.AsSpan(editor.BatOffset, 4096).ToArray();
        BitConverter.GetBytes(2UL).CopyTo(batSector, 0); // block 0 becomes ZERO
        var length = (ulong)editor.Bytes.Length;
        AddEntry(editor, 0, VhdxLogEntryBuilder.Build(9, _logGuid, 0, length, length, new Write(editor.BatOffset, batSector)));
        var image = editor.Save(_disk.PathOf("logged.vhdx"));

        var expected = await File.ReadAllBytesAsync(raw);
        Array.Clear(expected, 0, MiB);
        var expectedPath = _disk.PathOf("expected.raw");
        await File.WriteAllBytesAsync(expectedPath, expected);

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        await VirtualDiskAssert.SameAsRawAsync(disk, expectedPath);
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            Assert.True(extent.Offset >= MiB, $"block 0 is still reported allocated: {extent}");
        }
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_entries_from_the_heads_tail_onwards_are_replayed(bool tailIsFirstEntry)
    {
        var (raw, editor) = Base();
        var block0 = BlockFileOffset(editor, 0);
        var older = Pattern(1);
        var newer = Pattern(2);
        var length = (ulong)editor.Bytes.Length;
        var first = VhdxLogEntryBuilder.Build(20, _logGuid, 0, length, length, new Write(block0, older), new Write(block0 + 4096, older));
        var secondTail = tailIsFirstEntry ? 0u : (uint)first.Length;
        var second = VhdxLogEntryBuilder.Build(21, _logGuid, secondTail, length, length, new Write(block0, newer));
        AddEntry(editor, 0, first);
        AddEntry(editor, first.Length, second);
        var image = editor.Save(_disk.PathOf("logged.vhdx"));

        var expected = await File.ReadAllBytesAsync(raw);
        if (tailIsFirstEntry)
        {
            older.CopyTo(expected, 4096);
        }

        newer.CopyTo(expected, 0);
        var expectedPath = _disk.PathOf("expected.raw");
        await File.WriteAllBytesAsync(expectedPath, expected);

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        await VirtualDiskAssert.SameAsRawAsync(disk, expectedPath);
    }

    [SkippableFact]
    public async Task A_damaged_entry_is_not_replayed()
    {
        var (raw, editor) = Base();
        var length = (ulong)editor.Bytes.Length;
        var entry = VhdxLogEntryBuilder.Build(5, _logGuid, 0, length, length, new Write(BlockFileOffset(editor, 0), Pattern(3)));
        entry[4096 + 100] ^= 1; // data sector no longer matches the entry's checksum
        AddEntry(editor, 0, entry);
        var image = editor.Save(_disk.PathOf("logged.vhdx"));

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        Assert.False(disk.LogReplayed);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task An_entry_declaring_more_descriptors_than_it_holds_is_ignored()
    {
        var (raw, editor) = Base();
        var length = (ulong)editor.Bytes.Length;
        var entry = VhdxLogEntryBuilder.Build(5, _logGuid, 0, length, length, new Write(BlockFileOffset(editor, 0), null, 4096));
        BitConverter.GetBytes(127u).CopyTo(entry, 24); // 64 + 127 × 32 bytes do not fit in the entry's one sector
        BitConverter.GetBytes(0u).CopyTo(entry, 4);
        BitConverter.GetBytes(VhdxCrc32C.Compute(entry, 4)).CopyTo(entry, 4);
        AddEntry(editor, 0, entry);
        var image = editor.Save(_disk.PathOf("logged.vhdx"));

        await using var disk = await VhdxDisk.OpenAsync(FileBlockSource.Open(image));
        Assert.False(disk.LogReplayed);
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [SkippableFact]
    public async Task A_file_shorter_than_the_logs_flushed_size_is_refused()
    {
        var (_, editor) = Base();
        var length = (ulong)editor.Bytes.Length;
        AddEntry(editor, 0, VhdxLogEntryBuilder.Build(5, _logGuid, 0, length + (ulong)MiB, length + (ulong)MiB, new Write(BlockFileOffset(editor, 0), Pattern(4))));
        var image = editor.Save(_disk.PathOf("logged.vhdx"));

        var source = FileBlockSource.Open(image);
        await using (source)
        {
            var error = await Assert.ThrowsAsync<Vmie.Disks.Abstractions.InvalidDiskImageException>(() => VhdxDisk.OpenAsync(source));
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
    }

    private (string Raw, VhdxImageEditor Editor) Base()
    {
        var raw = _disk.WriteStandardRaw();
        var image = _disk.PathOf("base.vhdx");
        QemuImg.Convert(raw, image, "vhdx", "subformat=dynamic,block_size=1M");
        return (raw, new VhdxImageEditor(image));
    }

    private static long BlockFileOffset(VhdxImageEditor editor, int block)
    {
        var entry = editor.BatEntry(block);
        Assert.Equal(6UL, entry & 7);
        return (long)(entry >> 20) * MiB;
    }

    /// <summary>Writes the entry into the log at <paramref name="logPosition"/> and points the current header at the log.</summary>
    private void AddEntry(VhdxImageEditor editor, int logPosition, byte[] entry)
    {
        entry.CopyTo(editor.Bytes, editor.LogOffset + logPosition);
        var header = editor.CurrentHeaderOffset;
        _logGuid.TryWriteBytes(editor.Bytes.AsSpan(header + 48, 16));
        editor.Reseal(header, 4096);
    }

    private static byte[] Pattern(int seed)
    {
        var data = new byte[4096];
        new Random(seed).NextBytes(data);
        return data;
    }
}
