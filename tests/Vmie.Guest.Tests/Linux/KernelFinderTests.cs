using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class KernelFinderTests
{
    [Fact]
    public async Task Rhel_kernels_with_ena_module_and_builtin_nvme()
    {
        const string Newer = "5.14.0-427.13.1.el9_4.x86_64";
        const string Older = "5.14.0-362.8.1.el9_3.x86_64";
        var root = LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/vmlinuz-" + Newer] = "k",
            ["/boot/.vmlinuz-" + Newer + ".hmac"] = "h",
            ["/boot/initramfs-" + Newer + ".img"] = "i",
            ["/boot/initramfs-" + Newer + "kdump.img"] = "i",
            ["/boot/vmlinuz-" + Older] = "k",
            ["/boot/vmlinuz-0-rescue-0123456789abcdef"] = "k",
            ["/boot/initramfs-0-rescue-0123456789abcdef.img"] = "i",
            ["/lib"] = "-> usr/lib",
            ["/usr/lib/modules/" + Newer + "/kernel/drivers/net/ethernet/amazon/ena/ena.ko.xz"] = "m",
            ["/usr/lib/modules/" + Newer + "/modules.builtin"] = "kernel/drivers/nvme/host/nvme-core.ko\nkernel/drivers/nvme/host/nvme.ko\n",
            ["/usr/lib/modules/" + Older + "/modules.dep"] = "kernel/fs/xfs/xfs.ko.xz: kernel/lib/libcrc32c.ko.xz\n",
        });

        var kernels = await KernelFinder.FindAsync(root);

        Assert.Equal([Newer, Older, "0-rescue-0123456789abcdef"], kernels.Select(kernel => kernel.Version));
        var newest = kernels[0];
        Assert.Equal("/boot/vmlinuz-" + Newer, newest.ImagePath);
        Assert.Equal("/boot/initramfs-" + Newer + ".img", newest.InitramfsPath);
        Assert.True(newest.HasModules);
        Assert.Equal(DriverPresence.Module, newest.Ena);
        Assert.Equal(DriverPresence.BuiltIn, newest.Nvme);
        Assert.Null(kernels[1].InitramfsPath);
        Assert.Equal(DriverPresence.Absent, kernels[1].Ena);
        Assert.Equal(DriverPresence.Absent, kernels[1].Nvme);
        Assert.True(kernels[2].IsRescue);
    }

    [Fact]
    public async Task Debian_kernel_with_dkms_ena_listed_in_modules_dep()
    {
        const string Version = "6.1.0-18-amd64";
        var root = LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/vmlinuz-" + Version] = "k",
            ["/boot/initrd.img-" + Version] = "i",
            ["/boot/vmlinuz-" + Version + ".efi.signed"] = "k",
            ["/lib/modules/" + Version + "/modules.dep"] = "updates/dkms/ena.ko: \nkernel/drivers/nvme/host/nvme.ko: kernel/drivers/nvme/host/nvme-core.ko\n",
        });

        var kernel = Assert.Single(await KernelFinder.FindAsync(root));

        Assert.Equal("/boot/initrd.img-" + Version, kernel.InitramfsPath);
        Assert.Equal(DriverPresence.Module, kernel.Ena);
        Assert.Equal(DriverPresence.Module, kernel.Nvme);
    }

    [Fact]
    public async Task Modules_without_an_image_and_arm_image_names()
    {
        var root = LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/Image-6.8.0-1008-aws"] = "k",
            ["/lib/modules/6.8.0-1008-aws/kernel/drivers/nvme/host/nvme.ko.zst"] = "m",
            ["/lib/modules/5.4.0-77-generic/modules.order"] = "",
        });

        var kernels = await KernelFinder.FindAsync(root);

        Assert.Equal(["6.8.0-1008-aws", "5.4.0-77-generic"], kernels.Select(kernel => kernel.Version));
        Assert.Equal("/boot/Image-6.8.0-1008-aws", kernels[0].ImagePath);
        Assert.Equal(DriverPresence.Module, kernels[0].Nvme);
        Assert.Null(kernels[1].ImagePath);
        Assert.True(kernels[1].HasModules);
    }

    [Fact]
    public async Task No_boot_and_no_modules_is_no_kernel()
    {
        Assert.Empty(await KernelFinder.FindAsync(LinuxTree.Root(new Dictionary<string, string>())));
    }
}
