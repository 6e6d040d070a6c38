using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Ova;
using Vmie.Disks.Sources;

namespace Vmie.Disks.Tests.Ova;

/// <summary>Hand-built tar archives that lie: each must fail fast with a clear error and little memory.</summary>
public sealed class OvaHostileTests
{
    private static byte[] Header(string name, long size, byte type = (byte)'0', bool base256 = false)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        if (base256)
        {
            h[124] = 0x80;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(h.AsSpan(128), size);
        }
        else
        {
            Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        }

        h[156] = type;
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        h.AsSpan(148, 8).Fill((byte)' ');
        var sum = h.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return h;
    }

    private static byte[] Archive(params byte[][] parts)
    {
        var list = new List<byte>();
        foreach (var part in parts)
        {
            list.AddRange(part);
            list.AddRange(new byte[(512 - (part.Length % 512)) % 512]);
        }

        list.AddRange(new byte[1024]);
        return [.. list];
    }

    private static async Task<string> RefusedAsync(byte[] archive)
    {
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAnyAsync<InvalidDiskImageException>(() => OvaPackage.OpenAsync(new MemoryBlockSource(archive)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "refusal took " + watch.Elapsed);
        return e.Message;
    }

    [Fact]
    public async Task Bad_checksum_is_refused()
    {
        var archive = Archive(Header("vm.ovf", 0));
        archive[0] = (byte)'w';
        Assert.Contains("bad checksum", await RefusedAsync(archive), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_header_is_refused()
    {
        var archive = Archive(Header("vm.ovf", 0))[..300];
        Assert.Contains("truncated", await RefusedAsync(archive), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Size_past_the_end_of_the_archive_is_refused(bool base256)
    {
        var archive = Archive(Header("disk.vmdk", base256 ? 1L << 50 : 8L << 30, base256: base256));
        Assert.Contains("archive ends at byte", await RefusedAsync(archive), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_octal_size_is_refused()
    {
        var header = Header("vm.ovf", 0);
        var archive = Archive(header);
        archive[125] = (byte)'9';
        archive.AsSpan(148, 8).Fill((byte)' ');
        Encoding.ASCII.GetBytes(Convert.ToString(archive.Take(512).Sum(b => b), 8).PadLeft(6, '0') + "\0 ").CopyTo(archive, 148);
        Assert.Contains("not an octal number", await RefusedAsync(archive), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_pax_header_is_refused_before_it_is_read()
    {
        var records = new byte[TarDirectory.MaxExtendedHeaderBytes + 512];
        var archive = Archive(Header("PaxHeaders/x", records.Length, (byte)'x'), records);
        Assert.Contains("extended header", await RefusedAsync(archive), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_pax_record_is_refused()
    {
        var records = "99999 path=x\n"u8.ToArray();
        var archive = Archive(Header("PaxHeaders/x", records.Length, (byte)'x'), records, Header("x", 0));
        Assert.Contains("malformed record", await RefusedAsync(archive), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endless_members_are_capped()
    {
        var parts = Enumerable.Range(0, TarDirectory.MaxHeaders + 1).Select(i => Header("f" + i.ToString(CultureInfo.InvariantCulture), 0)).ToArray();
        Assert.Contains("more than 10000 tar entries", await RefusedAsync(Archive(parts)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pax_path_and_size_apply_to_the_next_member_and_GNU_long_names_work()
    {
        var longName = new string('x', 200) + ".ovf";
        var pax = Encoding.ASCII.GetBytes($"{longName.Length + 10} path={longName}\n");
        Assert.Equal(pax.Length, longName.Length + 10);
        var gnuName = new string('y', 150) + ".vmdk";
        var archive = Archive(
            Header("PaxHeaders/a", pax.Length, (byte)'x'), pax, Header("short.ovf", 3), "abc"u8.ToArray(),
            Header("././@LongLink", gnuName.Length + 1, (byte)'L'), Encoding.ASCII.GetBytes(gnuName + "\0"), Header(gnuName[..100], 5, base256: true), "12345"u8.ToArray());
        var directory = await TarDirectory.ReadAsync(new MemoryBlockSource(archive));
        Assert.Equal([longName, gnuName], directory.Members.Select(m => m.Name));
        Assert.Equal([3L, 5L], directory.Members.Select(m => m.Size));
        Assert.Empty(directory.Warnings);
    }

    [Fact]
    public async Task Missing_descriptor_and_hostile_XML_are_refused()
    {
        Assert.Contains("no .ovf descriptor", await RefusedAsync(Archive(Header("disk.vmdk", 0))), StringComparison.Ordinal);

        var dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">&a;</Envelope>"u8.ToArray();
        Assert.Contains("OVF file parsing error", await RefusedAsync(Archive(Header("vm.ovf", dtd.Length), dtd)), StringComparison.Ordinal);

        var notOvf = "<Envelope xmlns=\"urn:other\"/>"u8.ToArray();
        Assert.Contains("not an OVF", await RefusedAsync(Archive(Header("vm.ovf", notOvf.Length), notOvf)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Descriptor_naming_a_file_the_archive_lacks_is_refused()
    {
        var ovf = Encoding.UTF8.GetBytes(OvaFixture.Descriptor(1, new OvaFixture.Disk("gone.vmdk", 1 << 20, 0)));
        Assert.Contains("'gone.vmdk', which the OVA does not contain", await RefusedAsync(Archive(Header("vm.ovf", ovf.Length), ovf)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Impossible_capacity_is_refused()
    {
        var ovf = Encoding.UTF8.GetBytes(OvaFixture.Descriptor(1, new OvaFixture.Disk("d.vmdk", 1L << 62, 0, Units: "byte * 2^20")));
        Assert.Contains("16 TiB", await RefusedAsync(Archive(Header("vm.ovf", ovf.Length), ovf, Header("d.vmdk", 0))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nested_OVA_is_refused()
    {
        var inner = Archive(Header("inner.ovf", 0));
        var ovf = Encoding.UTF8.GetBytes(OvaFixture.Descriptor(1, new OvaFixture.Disk("inner.ova", 1 << 20, 0)));
        await using var package = await OvaPackage.OpenAsync(new MemoryBlockSource(Archive(Header("vm.ovf", ovf.Length), ovf, Header("inner.ova", inner.Length), inner)));
        var e = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => package.Disks[0].OpenAsync());
        Assert.Contains("nested OVAs are not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_open_disposes_an_owned_source()
    {
        var source = new MemoryBlockSource(Archive(Header("disk.vmdk", 0)));
        await Assert.ThrowsAsync<InvalidDiskImageException>(() => OvaPackage.OpenAsync(source));
        Assert.True(source.IsDisposed);
    }
}
