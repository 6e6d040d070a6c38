using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Tests.Vmdk;

public sealed class VmdkDescriptorTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [Fact]
    public void Parses_entries_extents_and_disk_database()
    {
        var descriptor = VmdkDescriptor.Parse(
            "# Disk DescriptorFile\r\nversion=1\r\nCID=fffffffe\r\nparentCID=ffffffff\r\ncreateType=\"monolithicFlat\"\r\n\r\n" +
            "# Extent description\r\nRW 2048 FLAT \"my disk-flat.vmdk\" 16\r\nRDONLY 100 ZERO\r\n\r\n#DDB\r\nddb.adapterType = \"lsilogic\"\r\nddb.virtualHWVersion = \"6\"\0\0\0garbage");

        Assert.Equal("monolithicFlat", descriptor.CreateType);
        Assert.Equal("fffffffe", descriptor.Entries["CID"]);
        Assert.False(descriptor.HasParent);
        Assert.Equal(
            [new VmdkExtentDescription("RW", 2048, "FLAT", "my disk-flat.vmdk", 16), new VmdkExtentDescription("RDONLY", 100, "ZERO", null, 0)],
            descriptor.Extents);
        Assert.Equal("lsilogic", descriptor.DiskDatabase["ddb.adapterType"]);
        Assert.Equal("6", descriptor.DiskDatabase["ddb.virtualHWVersion"]);
    }

    [Theory]
    [InlineData("RW 12x FLAT \"a\"")]
    [InlineData("RW 12 FLAT a")]
    [InlineData("RW 12 FLAT \"a\" z")]
    [InlineData("this is not an entry")]
    public void Malformed_lines_are_refused(string line)
    {
        Assert.Throws<InvalidDiskImageException>(() => VmdkDescriptor.Parse("# Disk DescriptorFile\ncreateType=\"monolithicFlat\"\n" + line + "\n"));
    }

    [Theory]
    [InlineData("twoGbMaxExtentSparse", "split")]
    [InlineData("twoGbMaxExtentFlat", "split")]
    [InlineData("seSparse", "sparse")]
    [InlineData("vmfsSparse", "sparse")]
    [InlineData("vmfsRDM", "raw device")]
    [InlineData("somethingNew", "not a known")]
    public async Task Unsupported_create_types_are_refused_with_a_clear_message(string createType, string reason)
    {
        var error = await OpenDescriptorFailsAsync<UnsupportedDiskImageException>(createType, "RW 2048 FLAT \"x-flat.vmdk\" 0");
        Assert.Contains(createType, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiple_extents_are_refused()
    {
        await OpenDescriptorFailsAsync<UnsupportedDiskImageException>("monolithicFlat", "RW 2048 FLAT \"a.vmdk\" 0\nRW 2048 FLAT \"b.vmdk\" 0");
    }

    [Fact]
    public async Task A_disk_with_a_parent_is_refused()
    {
        await OpenDescriptorFailsAsync<UnsupportedDiskImageException>("monolithicFlat", "RW 2048 FLAT \"a.vmdk\" 0", parentCid: "12345678");
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("dir\\\\file.vmdk")]
    [InlineData("..")]
    [InlineData("c:file.vmdk")]
    public async Task Extent_names_reaching_outside_are_refused_before_resolving(string name)
    {
        var error = await OpenDescriptorFailsAsync<InvalidDiskImageException>("monolithicFlat", $"RW 2048 FLAT \"{name}\" 0");
        Assert.Contains("path separators", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flat_extent_shorter_than_declared_is_refused()
    {
        await File.WriteAllBytesAsync(_disk.PathOf("short-flat.vmdk"), new byte[4096]);
        await OpenDescriptorFailsAsync<InvalidDiskImageException>("monolithicFlat", "RW 2048 FLAT \"short-flat.vmdk\" 0");
    }

    [Fact]
    public async Task A_flat_extent_at_an_offset_reads_from_there()
    {
        var raw = _disk.WriteRaw("inner.raw", 1024 * 1024, 9, (0, 1024 * 1024));
        var bytes = await File.ReadAllBytesAsync(raw);
        await File.WriteAllBytesAsync(_disk.PathOf("offset-flat.vmdk"), [.. new byte[8 * 512], .. bytes, .. new byte[512]]);
        await File.WriteAllTextAsync(_disk.PathOf("d.vmdk"), Descriptor("monolithicFlat", "RW 2048 FLAT \"offset-flat.vmdk\" 8"));

        await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(_disk.PathOf("d.vmdk")), name => FileBlockSource.Open(_disk.PathOf(name)));
        await VirtualDiskAssert.SameAsRawAsync(disk, raw);
    }

    [Fact]
    public async Task A_descriptor_file_without_a_resolver_is_refused()
    {
        await File.WriteAllTextAsync(_disk.PathOf("d.vmdk"), Descriptor("monolithicFlat", "RW 2048 FLAT \"a-flat.vmdk\" 0"));
        await Assert.ThrowsAsync<InvalidDiskImageException>(async () => await VmdkDisk.OpenAsync(FileBlockSource.Open(_disk.PathOf("d.vmdk"))));
    }

    [Fact]
    public async Task Text_that_is_not_a_descriptor_is_refused()
    {
        await File.WriteAllTextAsync(_disk.PathOf("d.vmdk"), "hello world, this is not a disk");
        await Assert.ThrowsAsync<InvalidDiskImageException>(async () => await VmdkDisk.OpenAsync(FileBlockSource.Open(_disk.PathOf("d.vmdk"))));
    }

    private async Task<TException> OpenDescriptorFailsAsync<TException>(string createType, string extents, string parentCid = "ffffffff")
        where TException : Exception
    {
        var path = _disk.PathOf("d.vmdk");
        await File.WriteAllTextAsync(path, Descriptor(createType, extents, parentCid), Encoding.ASCII);
        var resolved = new List<string>();
        var error = await Assert.ThrowsAsync<TException>(async () =>
        {
            await using var disk = await VmdkDisk.OpenAsync(FileBlockSource.Open(path), name =>
            {
                resolved.Add(name);
                return FileBlockSource.Open(_disk.PathOf(name));
            });
        });
        Assert.DoesNotContain(resolved, name => name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal));

        return error;
    }

    private static string Descriptor(string createType, string extents, string parentCid = "ffffffff") =>
        $"# Disk DescriptorFile\nversion=1\nCID=abcdef01\nparentCID={parentCid}\ncreateType=\"{createType}\"\n\n# Extent description\n{extents}\n\n# The Disk Data Base\n#DDB\n\nddb.adapterType = \"ide\"\n";
}
