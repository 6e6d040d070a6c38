using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;
using Vmie.Disks.Tests.Ova;

namespace Vmie.Disks.Tests.Detection;

public sealed class VirtualMachineImageTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableFact]
    public async Task An_ova_gives_every_disk_in_boot_order_with_its_own_format_and_file_size()
    {
        var boot = _disk.WriteStandardRaw("boot.raw", 1);
        var data = _disk.WriteStandardRaw("data.raw", 2);
        QemuImg.Convert(boot, _disk.PathOf("boot.vmdk"), "vmdk", "subformat=streamOptimized");
        QemuImg.Convert(data, _disk.PathOf("data.vhdx"), "vhdx");
        File.WriteAllText(_disk.PathOf("vm.ovf"), OvaFixture.Descriptor(
            1,
            new OvaFixture.Disk("data.vhdx", QemuImg.VirtualSize(data), 1),
            new OvaFixture.Disk("boot.vmdk", QemuImg.VirtualSize(boot), 0)));
        OvaFixture.Tar(_disk.Directory, "vm.ova", "ustar", "vm.ovf", "data.vhdx", "boot.vmdk");

        await using var image = await VirtualMachineImage.OpenAsync(FileBlockSource.Open(_disk.PathOf("vm.ova")), "vm.ova");

        Assert.Equal(DiskFormat.Ova, image.Format);
        Assert.NotNull(image.Package);
        Assert.Equal(["vm.ova:boot.vmdk", "vm.ova:data.vhdx"], image.Disks.Select(disk => disk.Name));
        Assert.Equal([DiskFormat.Vmdk, DiskFormat.Vhdx], image.Disks.Select(disk => disk.Format));
        Assert.Equal("VMDK streamOptimized", image.Disks[0].FormatName);
        Assert.Equal(new FileInfo(_disk.PathOf("boot.vmdk")).Length, image.Disks[0].ImageFileSize);
        Assert.Equal(new FileInfo(_disk.PathOf("data.vhdx")).Length, image.Disks[1].ImageFileSize);
        await VirtualDiskAssert.SameAsRawAsync(image.Disks[0].Disk, boot);
        await VirtualDiskAssert.SameAsRawAsync(image.Disks[1].Disk, data);
    }

    [SkippableFact]
    public async Task A_disk_image_gives_its_one_disk()
    {
        var raw = _disk.WriteStandardRaw("disk.raw", 3);
        QemuImg.Convert(raw, _disk.PathOf("disk.vhd"), "vpc");

        await using var image = await VirtualMachineImage.OpenAsync(FileBlockSource.Open(_disk.PathOf("disk.vhd")), "disk.vhd");

        Assert.Equal(DiskFormat.Vhd, image.Format);
        Assert.Null(image.Package);
        var disk = Assert.Single(image.Disks);
        Assert.Equal(("disk.vhd", DiskFormat.Vhd, new FileInfo(_disk.PathOf("disk.vhd")).Length), (disk.Name, disk.Format, disk.ImageFileSize));
        QemuImg.Convert(_disk.PathOf("disk.vhd"), _disk.PathOf("disk.vhd.raw"), "raw");
        await VirtualDiskAssert.SameAsRawAsync(disk.Disk, _disk.PathOf("disk.vhd.raw"));
    }

    [Fact]
    public async Task An_unreadable_format_fails_and_releases_the_source()
    {
        var bytes = new byte[4096];
        bytes[0] = (byte)'Q';
        bytes[1] = (byte)'F';
        bytes[2] = (byte)'I';
        bytes[3] = 0xFB;
        var source = new MemoryBlockSource(bytes);

        await Assert.ThrowsAsync<UnsupportedDiskImageException>(() => VirtualMachineImage.OpenAsync(source, "disk.qcow2"));

        Assert.True(source.IsDisposed);
    }
}
