using Vmie.Guest.Linux;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Linux;

public class LinuxInspectorTests
{
    private const string Kernel = "5.14.0-427.13.1.el9_4.x86_64";

    private static byte[] GzipInitramfs()
    {
        RequiredTool.Require("cpio", "cpio");
        RequiredTool.Require("gzip", "gzip");
        var directory = ExternalTool.ScratchPath("inspector-initramfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, $"usr/lib/modules/{Kernel}/kernel/drivers/net/ethernet/amazon/ena"));
        File.WriteAllText(Path.Combine(directory, $"usr/lib/modules/{Kernel}/kernel/drivers/net/ethernet/amazon/ena/ena.ko.xz"), "ena");
        var output = directory + ".img";
        ExternalTool.Run("bash", "bash", "-c", $"set -o pipefail; cd '{directory}' && find . | cpio -o -H newc --quiet | gzip -c > '{output}'");
        return File.ReadAllBytes(output);
    }

    private static Dictionary<string, string> Rhel9Files() => new()
    {
        ["/etc/os-release"] = "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nVERSION_ID=\"9.4\"\n",
        ["/etc/redhat-release"] = "Red Hat Enterprise Linux release 9.4 (Plow)\n",
        ["/etc/fstab"] = "/dev/mapper/rhel-root   /                       xfs     defaults        0 0\nUUID=2f5bc94d-ffd3-4b8e-8b0e-5a8e5dbd4c1b /boot xfs defaults 0 0\n",
        ["/etc/sysconfig/network-scripts/ifcfg-ens192"] = "DEVICE=ens192\nBOOTPROTO=dhcp\n",
        ["/boot/grub2/grub.cfg"] = GrubSamples.RhelBlsGrubCfg,
        ["/boot/grub2/grubenv"] = GrubSamples.GrubEnv(GrubSamples.RhelMachineId + "-" + Kernel, "kernelopts=root=/dev/mapper/rhel-root ro net.ifnames=0\n"),
        ["/boot/loader/entries/" + GrubSamples.RhelMachineId + "-" + Kernel + ".conf"] = GrubSamples.BlsEntry(Kernel, "$kernelopts"),
        ["/boot/vmlinuz-" + Kernel] = "k",
        ["/lib"] = "-> usr/lib",
        ["/usr/lib/modules/" + Kernel + "/modules.builtin"] = "kernel/drivers/nvme/host/nvme.ko\n",
        ["/usr/lib/modules/" + Kernel + "/kernel/drivers/net/ethernet/amazon/ena/ena.ko.xz"] = "m",
    };

    [SkippableFact]
    public async Task Inspects_a_rhel9_root_end_to_end()
    {
        var root = LinuxTree.Root(Rhel9Files(), new Dictionary<string, byte[]>
        {
            ["/usr/bin/bash"] = ElfAndArchitectureTests.Header(2, 1, 62),
            ["/boot/initramfs-" + Kernel + ".img"] = GzipInitramfs(),
        });

        var inspection = await LinuxInspector.InspectAsync(root);

        Assert.NotNull(inspection);
        Assert.Equal(LinuxDistribution.Rhel, inspection.Release!.Distribution);
        Assert.Equal("9.4", inspection.Release.Version);
        Assert.Equal(LinuxArchitecture.X86_64, inspection.Architecture);
        Assert.Equal(Kernel, inspection.DefaultKernel!.Version);
        Assert.True(inspection.HasEnaDriver);
        Assert.True(inspection.HasNvmeDriver);
        Assert.True(inspection.BootLoader.UsesBls);
        Assert.True(inspection.BootLoader.DefaultKernelDetected);
        Assert.Equal("root=/dev/mapper/rhel-root ro net.ifnames=0", inspection.KernelCommandLine);
        Assert.True(inspection.PredictableInterfaceNamesDisabled);
        Assert.Equal(["ens192"], inspection.Network.PredictableNames.Select(reference => reference.Name));
        Assert.Equal(2, inspection.Fstab!.Entries.Count);
        Assert.Null(inspection.FstabError);
        Assert.Equal("/boot/initramfs-" + Kernel + ".img", inspection.InitramfsPath);
        Assert.Null(inspection.InitramfsError);
        Assert.True(inspection.Initramfs!.ContainsModule("ena"));
        Assert.Equal(["gzip"], inspection.Initramfs.Segments);
        Assert.Null(inspection.RootFreeBytes);
        Assert.Equal(1L << 30, (inspection with { RootFreeBytes = 1L << 30 }).RootFreeBytes);
    }

    [Fact]
    public async Task Unreadable_initramfs_and_missing_fstab_are_reported_not_thrown()
    {
        var files = Rhel9Files();
        files.Remove("/etc/fstab");
        files["/boot/initramfs-" + Kernel + ".img"] = "this is not an initramfs at all";

        var inspection = await LinuxInspector.InspectAsync(LinuxTree.Root(files));

        Assert.Null(inspection!.Fstab);
        Assert.Equal("/etc/fstab is missing.", inspection.FstabError);
        Assert.Null(inspection.Initramfs);
        Assert.StartsWith("/boot/initramfs-" + Kernel + ".img: ", inspection.InitramfsError, StringComparison.Ordinal);
        Assert.Equal(LinuxArchitecture.Unknown, inspection.Architecture);
    }

    [Fact]
    public async Task Initramfs_reading_can_be_turned_off()
    {
        var files = Rhel9Files();
        files["/boot/initramfs-" + Kernel + ".img"] = "garbage";

        var inspection = await LinuxInspector.InspectAsync(LinuxTree.Root(files), new LinuxInspectionOptions { ReadInitramfs = false });

        Assert.Equal("/boot/initramfs-" + Kernel + ".img", inspection!.InitramfsPath);
        Assert.Null(inspection.Initramfs);
        Assert.Null(inspection.InitramfsError);
    }

    [Fact]
    public async Task Without_grub_the_newest_kernel_is_the_default_and_default_grub_turns_names_off()
    {
        var inspection = await LinuxInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/os-release"] = "ID=debian\nVERSION_ID=\"12\"\n",
            ["/etc/default/grub"] = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"console=ttyS0 net.ifnames=0 biosdevname=0\"\n",
            ["/etc/fstab"] = "UUID=abc / ext4 defaults 0 1\n",
            ["/boot/vmlinuz-6.1.0-9-amd64"] = "k",
            ["/boot/vmlinuz-6.1.0-18-amd64"] = "k",
        }));

        Assert.Equal("6.1.0-18-amd64", inspection!.DefaultKernel!.Version);
        Assert.True(inspection.PredictableInterfaceNamesDisabled);
        Assert.Null(inspection.InitramfsPath);
        Assert.False(inspection.HasEnaDriver);
    }

    [Fact]
    public async Task A_tree_without_etc_or_binaries_is_not_a_linux_root()
    {
        Assert.Null(await LinuxInspector.InspectAsync(LinuxTree.Bare(new Dictionary<string, string> { ["/EFI/BOOT/BOOTX64.EFI"] = "x" })));
        Assert.False(await LinuxInspector.LooksLikeLinuxRootAsync(LinuxTree.Bare(new Dictionary<string, string> { ["/etc/os-release"] = "ID=debian\n" })));
        Assert.False(await LinuxInspector.LooksLikeLinuxRootAsync(LinuxTree.Root(new Dictionary<string, string> { ["/etc/hostname"] = "x\n" })));
        Assert.False(await LinuxInspector.LooksLikeLinuxRootAsync(LinuxTree.Bare(new Dictionary<string, string> { ["/Windows/System32/"] = "", ["/etc/"] = "", ["/bin/"] = "" })));
        Assert.True(await LinuxInspector.LooksLikeLinuxRootAsync(LinuxTree.Bare(new Dictionary<string, string> { ["/etc/fstab"] = "", ["/bin/"] = "" })));
        Assert.True(await LinuxInspector.LooksLikeLinuxRootAsync(LinuxTree.Root(new Dictionary<string, string> { ["/usr/lib/os-release"] = "ID=fedora\n" })));
    }
}
