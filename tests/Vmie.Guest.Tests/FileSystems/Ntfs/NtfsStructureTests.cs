using System.Text;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ntfs;

namespace Vmie.Guest.Tests.FileSystems.Ntfs;

/// <summary>NTFS structures decoded from hand-made bytes: LZNT1, runlists, reparse-point targets.</summary>
public sealed class NtfsStructureTests
{
    [Fact]
    public void Lznt1_expands_literals_and_overlapping_back_references()
    {
        // Header 0xB005: compressed, 6 bytes of data; flags 0x08: three literals then a reference
        // (displacement 3, length 9) that overlaps what it produces.
        byte[] compressed = [0x05, 0xB0, 0x08, (byte)'a', (byte)'b', (byte)'c', 0x06, 0x20, 0x00, 0x00];
        var output = new byte[NtfsLznt1.ChunkSize];
        output.AsSpan().Fill(0xEE);
        Assert.Equal(NtfsLznt1.ChunkSize, NtfsLznt1.Decompress(compressed, output));
        Assert.Equal("abcabcabcabc", Encoding.ASCII.GetString(output, 0, 12));
        Assert.All(output.Skip(12), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Lznt1_copies_uncompressed_chunks_and_refuses_references_before_the_start()
    {
        var raw = new byte[2 + NtfsLznt1.ChunkSize];
        raw[0] = 0xFF;
        raw[1] = 0x3F;
        new Random(3).NextBytes(raw.AsSpan(2));
        var output = new byte[NtfsLznt1.ChunkSize];
        Assert.Equal(NtfsLznt1.ChunkSize, NtfsLznt1.Decompress(raw, output));
        Assert.True(output.AsSpan().SequenceEqual(raw.AsSpan(2)));

        byte[] backwards = [0x04, 0xB0, 0x02, (byte)'a', 0x06, 0x20, 0x00];
        Assert.Throws<CorruptFileSystemException>(() => NtfsLznt1.Decompress(backwards, output));
        byte[] cut = [0x20, 0xB0, 0x00, (byte)'a'];
        Assert.Throws<CorruptFileSystemException>(() => NtfsLznt1.Decompress(cut, output));
    }

    [Fact]
    public void Runlists_decode_signed_deltas_and_sparse_runs()
    {
        // 16 clusters at 0x1000, 8 sparse, 4 at 0x1000 - 0x10 = 0xFF0.
        byte[] pairs = [0x21, 0x10, 0x00, 0x10, 0x01, 0x08, 0x11, 0x04, 0xF0, 0x00];
        var runs = NtfsRunList.Decode(pairs, 0, 27, 100_000, "test");
        Assert.Equal([new NtfsRun(0, 0x1000, 16), new NtfsRun(16, -1, 8), new NtfsRun(24, 0xFF0, 4)], runs);
    }

    [Theory]
    [InlineData(new byte[] { 0x31, 0x10, 0xFF, 0xFF, 0x7F, 0x00 }, 15)]
    [InlineData(new byte[] { 0x11, 0x10, 0x80, 0x00 }, 15)]
    [InlineData(new byte[] { 0x11, 0x10, 0x10, 0x00 }, 20)]
    [InlineData(new byte[] { 0x11, 0x00, 0x10, 0x00 }, -1)]
    [InlineData(new byte[] { 0x91, 0x10 }, 15)]
    public void Runlists_past_the_volume_or_the_attribute_are_refused(byte[] pairs, long highestVcn) =>
        Assert.Throws<CorruptFileSystemException>(() => NtfsRunList.Decode(pairs, 0, highestVcn, 1000, "test"));

    [Fact]
    public void Overlapping_runs_are_refused() =>
        Assert.Throws<CorruptFileSystemException>(() => NtfsRunList.CheckNoOverlap([new NtfsRun(0, 100, 10), new NtfsRun(10, 105, 10)], "test"));

    [Theory]
    [InlineData(NtfsReparsePoint.SymbolicLinkTag, @"\??\C:\Windows\System32", false, "/Windows/System32")]
    [InlineData(NtfsReparsePoint.MountPointTag, @"\??\c:\Users\Default", false, "/Users/Default")]
    [InlineData(NtfsReparsePoint.SymbolicLinkTag, @"..\config\SYSTEM", true, "../config/SYSTEM")]
    [InlineData(NtfsReparsePoint.SymbolicLinkTag, @"\??\D:\Data", false, null)]
    [InlineData(NtfsReparsePoint.MountPointTag, @"\??\Volume{01234567-89ab-cdef-0123-456789abcdef}\", false, null)]
    [InlineData(NtfsReparsePoint.SymbolicLinkTag, @"\??\UNC\server\share", false, null)]
    public void Link_targets_become_guest_paths_only_on_this_volume(uint tag, string target, bool relative, string? expected)
    {
        var reparse = NtfsReparsePoint.Parse(ReparseData(tag, target, relative), "test");
        Assert.True(reparse.IsLink);
        Assert.Equal(expected, reparse.GuestTarget('C'));
    }

    [Fact]
    public void Reparse_data_pointing_outside_itself_is_refused()
    {
        var data = ReparseData(NtfsReparsePoint.SymbolicLinkTag, @"\??\C:\x", false);
        data[10] = 0xFE;
        Assert.Throws<CorruptFileSystemException>(() => NtfsReparsePoint.Parse(data, "test"));
    }

    private static byte[] ReparseData(uint tag, string target, bool relative)
    {
        var name = Encoding.Unicode.GetBytes(target);
        var header = tag == NtfsReparsePoint.SymbolicLinkTag ? 0x14 : 0x10;
        var data = new byte[header + name.Length + 2];
        BitConverter.TryWriteBytes(data.AsSpan(0), tag);
        BitConverter.TryWriteBytes(data.AsSpan(4), (ushort)(data.Length - 8));
        BitConverter.TryWriteBytes(data.AsSpan(10), (ushort)name.Length);
        if (tag == NtfsReparsePoint.SymbolicLinkTag)
        {
            BitConverter.TryWriteBytes(data.AsSpan(0x10), relative ? 1u : 0u);
        }

        name.CopyTo(data, header);
        return data;
    }
}
