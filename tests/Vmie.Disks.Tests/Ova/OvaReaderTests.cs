using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Ova;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;

namespace Vmie.Disks.Tests.Ova;

public sealed class OvaReaderTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    private string StreamVmdk(string rawName, string vmdkName, int seed)
    {
        var raw = _disk.WriteStandardRaw(rawName, seed);
        QemuImg.Convert(raw, _disk.PathOf(vmdkName), "vmdk", "subformat=streamOptimized");
        return raw;
    }

    [SkippableTheory]
    [InlineData("ustar", 1)]
    [InlineData("pax", 2)]
    [InlineData("gnu", 1)]
    public async Task One_disk_OVA_made_by_GNU_tar_reads_identical_to_the_raw(string format, int ovfVersion)
    {
        // ustar stores a long name as prefix + name; pax and GNU use their own long-name records.
        var name = format == "ustar"
            ? new string('d', 90) + "/" + new string('n', 90) + ".vmdk"
            : new string('n', 150) + ".vmdk";
        Directory.CreateDirectory(Path.GetDirectoryName(_disk.PathOf(name))!);
        var raw = StreamVmdk("disk.raw", name, 1);
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(ovfVersion, new OvaFixture.Disk(name, QemuImg.VirtualSize(raw), 0)));
        OvaFixture.Tar(_disk.Directory, "vm.ova", format, "vm.ovf", name);

        await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova")));
        Assert.Equal(DiskFormat.Ova, opened.Format);
        Assert.Equal("VMDK streamOptimized", opened.Subformat);
        Assert.Empty(opened.Warnings);
        Assert.Equal(ovfVersion, opened.Package!.Descriptor.Version);
        Assert.Equal(name, Assert.Single(opened.Package.Disks).FileName);
        await VirtualDiskAssert.SameAsRawAsync(opened.Disk, raw);
    }

    [SkippableFact]
    public async Task Two_disks_are_ordered_by_controller_unit_not_by_tar_or_DiskSection_order()
    {
        var boot = StreamVmdk("boot.raw", "boot.vmdk", 1);
        var data = StreamVmdk("data.raw", "data.vmdk", 2);
        // DiskSection lists the data disk first (unit 1), and the tar holds it first too.
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(
            1,
            new OvaFixture.Disk("data.vmdk", 10L << 20, 1, Units: "byte * 2^20"),
            new OvaFixture.Disk("boot.vmdk", QemuImg.VirtualSize(boot), 0)));
        OvaFixture.WriteManifest(_disk.Directory, "vm.mf", "SHA256", "vm.ovf", "data.vmdk", "boot.vmdk");
        OvaFixture.Tar(_disk.Directory, "vm.ova", "pax", "vm.ovf", "vm.mf", "data.vmdk", "boot.vmdk");

        await using var package = await OvaPackage.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova")));
        Assert.Equal(["boot.vmdk", "data.vmdk"], package.Disks.Select(d => d.FileName));
        Assert.Equal([0, 1], package.Disks.Select(d => d.Description.AddressOnParent ?? -1));
        Assert.All(package.Disks, d => Assert.Equal("SCSI", d.Description.ControllerType));
        Assert.Equal(10L << 20, package.Disks[1].DeclaredCapacity);
        Assert.True(await package.VerifyManifestAsync());

        await using (var first = await package.Disks[0].OpenAsync())
        {
            await VirtualDiskAssert.SameAsRawAsync(first.Disk, boot);
        }

        // 10 MiB declared ("byte * 2^20") for a 9 MiB + 512 image: tolerated, said in a warning.
        await using var second = await package.Disks[1].OpenAsync();
        Assert.Contains(second.Warnings, w => w.Contains("declares 10485760 bytes", StringComparison.Ordinal));
        await VirtualDiskAssert.SameAsRawAsync(second.Disk, data);
    }

    [SkippableFact]
    public async Task Image_larger_than_the_declared_capacity_is_refused()
    {
        var raw = StreamVmdk("disk.raw", "disk.vmdk", 1);
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(1, new OvaFixture.Disk("disk.vmdk", QemuImg.VirtualSize(raw) - 512, 0)));
        OvaFixture.Tar(_disk.Directory, "vm.ova", "ustar", "vm.ovf", "disk.vmdk");

        var e = await Assert.ThrowsAsync<InvalidDiskImageException>(() => DiskImageOpener.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova"))));
        Assert.Contains("larger than the", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Manifest_mismatch_and_missing_member_name_the_file()
    {
        var raw = StreamVmdk("disk.raw", "disk.vmdk", 1);
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(1, new OvaFixture.Disk("disk.vmdk", QemuImg.VirtualSize(raw), 0)));
        OvaFixture.WriteManifest(_disk.Directory, "vm.mf", "SHA1", "vm.ovf", "disk.vmdk");
        OvaFixture.Tar(_disk.Directory, "good.ova", "ustar", "vm.ovf", "vm.mf", "disk.vmdk");
        await using (var good = await OvaPackage.OpenAsync(FileBlockSource.Open(_disk.PathOf("good.ova"))))
        {
            Assert.True(await good.VerifyManifestAsync());
        }

        // Flip one byte of the VMDK inside the archive.
        var bytes = await File.ReadAllBytesAsync(_disk.PathOf("good.ova"));
        await using (var probe = await OvaPackage.OpenAsync(new MemoryBlockSource(bytes)))
        {
            bytes[probe.Disks[0].Member.DataOffset + 700] ^= 0xFF;
        }

        await using (var bad = await OvaPackage.OpenAsync(new MemoryBlockSource(bytes)))
        {
            var e = await Assert.ThrowsAsync<InvalidDiskImageException>(() => bad.VerifyManifestAsync());
            Assert.Contains("'disk.vmdk' does not match its SHA1 digest", e.Message, StringComparison.Ordinal);
        }

        File.AppendAllText(_disk.PathOf("vm.mf"), "SHA1(extra.iso)= " + new string('0', 40) + "\n");
        OvaFixture.Tar(_disk.Directory, "missing.ova", "ustar", "vm.ovf", "vm.mf", "disk.vmdk");
        await using var missing = await OvaPackage.OpenAsync(FileBlockSource.Open(_disk.PathOf("missing.ova")));
        var missingError = await Assert.ThrowsAsync<InvalidDiskImageException>(() => missing.VerifyManifestAsync());
        Assert.Contains("'extra.iso'", missingError.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Chunked_disk_files_are_refused_with_the_documented_message()
    {
        StreamVmdk("disk.raw", "disk.vmdk", 1);
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(1, new OvaFixture.Disk("disk.vmdk", 10L << 20, 0, FileAttributes: "ovf:chunkSize=\"1048576\"")));
        OvaFixture.Tar(_disk.Directory, "vm.ova", "ustar", "vm.ovf", "disk.vmdk");
        var e = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => DiskImageOpener.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova"))));
        Assert.Equal("OVF file parsing error: OVA with chunked disk files not supported", e.Message);

        // ovftool's split files: "disk.vmdk.000000000", "disk.vmdk.000000001"...
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(1, new OvaFixture.Disk("disk.vmdk", 10L << 20, 0)));
        File.Copy(_disk.PathOf("disk.vmdk"), _disk.PathOf("disk.vmdk.000000000"));
        OvaFixture.Tar(_disk.Directory, "split.ova", "ustar", "vm.ovf", "disk.vmdk.000000000");
        e = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => OvaPackage.OpenAsync(FileBlockSource.Open(_disk.PathOf("split.ova"))));
        Assert.Equal(OvaPackage.ChunkedMessage, e.Message);
    }

    [SkippableFact]
    public async Task Compressed_disk_files_are_refused()
    {
        StreamVmdk("disk.raw", "disk.vmdk", 1);
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(1, new OvaFixture.Disk("disk.vmdk", 10L << 20, 0, FileAttributes: "ovf:compression=\"gzip\"")));
        OvaFixture.Tar(_disk.Directory, "vm.ova", "ustar", "vm.ovf", "disk.vmdk");
        var e = await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => DiskImageOpener.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova"))));
        Assert.Equal("OVF file parsing error: OVA with compressed disk files not supported (file 'disk.vmdk' uses gzip compression)", e.Message);
    }

    [SkippableFact]
    public async Task Descriptor_not_first_is_accepted_with_a_warning_and_raw_and_vhd_disks_open()
    {
        var raw = _disk.WriteStandardRaw("disk.img", 3);
        QemuImg.Convert(raw, _disk.PathOf("disk.vhd"), "vpc", "subformat=dynamic,force_size=on");
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(
            1,
            new OvaFixture.Disk("disk.img", QemuImg.VirtualSize(raw), 0),
            new OvaFixture.Disk("disk.vhd", QemuImg.VirtualSize(raw), 1)));
        OvaFixture.Tar(_disk.Directory, "vm.ova", "gnu", "disk.img", "vm.ovf", "disk.vhd");

        await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova")));
        Assert.Equal("raw raw", opened.Subformat);
        Assert.Contains(opened.Warnings, w => w.Contains("not the first file", StringComparison.Ordinal));
        await VirtualDiskAssert.SameAsRawAsync(opened.Disk, raw);
        await using var vhd = await opened.Package!.Disks[1].OpenAsync();
        Assert.Equal(DiskFormat.Vhd, vhd.Format);
        await VirtualDiskAssert.SameAsRawAsync(vhd.Disk, raw);
    }
}
