using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class BootLoaderInspectorTests
{
    private const string Newer = "5.14.0-427.13.1.el9_4.x86_64";
    private const string Older = "5.14.0-362.8.1.el9_3.x86_64";

    [Fact]
    public async Task Ubuntu_grub2_default_zero_boots_the_first_entry()
    {
        var root = LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"0\""),
            ["/boot/vmlinuz-5.15.0-105-generic"] = "k",
            ["/boot/grub/i386-pc/"] = "",
        });

        var boot = await BootLoaderInspector.InspectAsync(root);

        Assert.Equal(GrubFlavor.Grub2, boot.Flavor);
        Assert.False(boot.UsesBls);
        Assert.Equal(5, boot.Primary!.Entries.Count);
        Assert.Equal("Ubuntu", boot.DefaultEntry!.Title);
        Assert.Equal(DefaultEntrySource.Configuration, boot.DefaultSource);
        Assert.Equal("5.15.0-105-generic", boot.DefaultKernelVersion);
        Assert.Equal("/boot/vmlinuz-5.15.0-105-generic", boot.DefaultKernelPath);
        Assert.True(boot.DefaultKernelExists);
        Assert.True(boot.DefaultKernelDetected);
        Assert.Equal(["/boot/initrd.img-5.15.0-105-generic"], boot.DefaultEntry.InitrdPaths);
        Assert.Contains("console=ttyS0", boot.DefaultEntry.KernelCommandLine, StringComparison.Ordinal);
        Assert.True(boot.BiosGrubInstalled);
        Assert.False(boot.EfiGrubInstalled);
        Assert.False(boot.HasMultipleDifferentConfigurations);
        Assert.Equal(new LinuxEvidence("/boot/grub/grub.cfg", 19, "set default=\"0\""), boot.Primary.DefaultEvidence);
    }

    [Theory]
    [InlineData("1>2", "Ubuntu, with Linux 5.15.0-72-generic")]
    [InlineData("Advanced options for Ubuntu>Ubuntu, with Linux 5.15.0-72-generic", "Ubuntu, with Linux 5.15.0-72-generic")]
    [InlineData("gnulinux-advanced-" + GrubSamples.UbuntuRootUuid + ">gnulinux-5.15.0-105-generic-recovery-" + GrubSamples.UbuntuRootUuid, "Ubuntu, with Linux 5.15.0-105-generic (recovery mode)")]
    [InlineData("1>Ubuntu, with Linux 5.15.0-72-generic", "Ubuntu, with Linux 5.15.0-72-generic")]
    [InlineData("UEFI Firmware Settings", "UEFI Firmware Settings")]
    [InlineData("2", "UEFI Firmware Settings")]
    public async Task Grub2_saved_entry_paths_through_submenus(string savedEntry, string expectedTitle)
    {
        var root = LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"${saved_entry}\""),
            ["/boot/grub/grubenv"] = GrubSamples.GrubEnv(savedEntry),
        });

        var boot = await BootLoaderInspector.InspectAsync(root);

        Assert.Equal(DefaultEntrySource.SavedEntry, boot.DefaultSource);
        Assert.Equal(expectedTitle, boot.DefaultEntry!.Title);
    }

    [Fact]
    public async Task Grub2_default_naming_nothing_falls_back_to_the_first_entry_with_a_note()
    {
        var root = LinuxTree.Root(new Dictionary<string, string> { ["/boot/grub/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"7\"") });

        var boot = await BootLoaderInspector.InspectAsync(root);

        Assert.Equal(DefaultEntrySource.FirstEntry, boot.DefaultSource);
        Assert.Equal("Ubuntu", boot.DefaultEntry!.Title);
        Assert.Contains(boot.Notes, note => note.Contains("\"7\"", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> RhelBlsTree(string? grubEnv) => new()
    {
        ["/boot/grub2/grub.cfg"] = GrubSamples.RhelBlsGrubCfg,
        ["/boot/loader/entries/" + GrubSamples.RhelMachineId + "-" + Older + ".conf"] = GrubSamples.BlsEntry(Older),
        ["/boot/loader/entries/" + GrubSamples.RhelMachineId + "-" + Newer + ".conf"] = GrubSamples.BlsEntry(Newer),
        ["/boot/loader/entries/" + GrubSamples.RhelMachineId + "-0-rescue.conf"] = GrubSamples.BlsEntry("0-rescue-" + GrubSamples.RhelMachineId),
        ["/boot/vmlinuz-" + Newer] = "k",
        ["/boot/vmlinuz-" + Older] = "k",
        ["/boot/grub2/i386-pc/"] = "",
        ["/boot/grub2/grubenv"] = grubEnv ?? "",
    };

    [Fact]
    public async Task Bls_default_from_grubenv_saved_entry()
    {
        var files = RhelBlsTree(GrubSamples.GrubEnv(GrubSamples.RhelMachineId + "-" + Older, "kernelopts=root=/dev/sda1 ro\n"));

        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(files));

        Assert.True(boot.UsesBls);
        Assert.Equal(3, boot.BlsEntries.Count);
        Assert.Equal(Newer, boot.BlsEntries[0].Version);
        Assert.Equal(DefaultEntrySource.SavedEntry, boot.DefaultSource);
        Assert.Equal(Older, boot.DefaultKernelVersion);
        Assert.Equal("/boot/vmlinuz-" + Older, boot.DefaultKernelPath);
        Assert.True(boot.DefaultKernelDetected);
        Assert.Equal(["/initramfs-" + Older + ".img", "$tuned_initrd"], boot.DefaultEntry!.InitrdPaths);
        Assert.Equal("root=/dev/sda1 ro", boot.Environment!.Values["kernelopts"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ec2a8b9ef1d24f3e8e2d4e0f0a1b2c3d-4.18.0-80.el8.x86_64")]
    public async Task Bls_without_a_usable_saved_entry_is_not_detected(string? savedEntry)
    {
        var files = RhelBlsTree(savedEntry is null ? null : GrubSamples.GrubEnv(savedEntry));
        if (savedEntry is null)
        {
            files.Remove("/boot/grub2/grubenv");
        }

        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(files));

        Assert.True(boot.UsesBls);
        Assert.Equal(DefaultEntrySource.NewestBlsEntry, boot.DefaultSource);
        Assert.Equal(Newer, boot.DefaultKernelVersion);
        Assert.False(boot.DefaultKernelDetected);
    }

    [Fact]
    public async Task Bls_without_entries_has_no_default()
    {
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string> { ["/boot/grub2/grub.cfg"] = GrubSamples.RhelBlsGrubCfg }));

        Assert.True(boot.UsesBls);
        Assert.Null(boot.DefaultEntry);
        Assert.Equal(DefaultEntrySource.None, boot.DefaultSource);
        Assert.False(boot.DefaultKernelDetected);
    }

    [Fact]
    public async Task Rhel9_efi_stub_and_full_config_are_one_configuration()
    {
        var files = RhelBlsTree(GrubSamples.GrubEnv(GrubSamples.RhelMachineId + "-" + Newer));
        files["/boot/efi/EFI/redhat/grub.cfg"] = GrubSamples.EfiStubGrubCfg;
        files["/boot/efi/EFI/redhat/shimx64.efi"] = "shim";
        files["/boot/efi/EFI/BOOT/BOOTX64.EFI"] = "shim";

        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(files));

        Assert.Equal(2, boot.Configurations.Count);
        Assert.True(boot.Configurations[1].IsStub);
        Assert.Equal(["$prefix/grub.cfg"], boot.Configurations[1].ConfigFileTargets);
        Assert.Equal("/boot/grub2/grub.cfg", boot.Primary!.Path);
        Assert.False(boot.HasMultipleDifferentConfigurations);
        Assert.True(boot.EfiGrubInstalled);
        Assert.True(boot.IsHybridGrub2);
        Assert.True(boot.HasFallbackEfiLoader);
        Assert.Equal(DefaultEntrySource.SavedEntry, boot.DefaultSource);
    }

    [Fact]
    public async Task Rhel6_grub_conf_with_links_is_one_configuration()
    {
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub/grub.conf"] = GrubSamples.Rhel6GrubConf,
            ["/boot/grub/menu.lst"] = "-> ./grub.conf",
            ["/etc/grub.conf"] = "-> ../boot/grub/grub.conf",
            ["/boot/vmlinuz-2.6.32-754.el6.x86_64"] = "k",
        }));

        Assert.Equal(3, boot.Configurations.Count);
        Assert.False(boot.HasMultipleDifferentConfigurations);
        Assert.Equal(GrubFlavor.Legacy, boot.Flavor);
        Assert.Equal(2, boot.Primary!.Entries.Count);
        Assert.Equal(DefaultEntrySource.Configuration, boot.DefaultSource);
        Assert.Equal("2.6.32-754.el6.x86_64", boot.DefaultKernelVersion);
        Assert.Equal("/boot/vmlinuz-2.6.32-754.el6.x86_64", boot.DefaultKernelPath);
        Assert.True(boot.DefaultKernelExists);
        Assert.Equal(["/initramfs-2.6.32-754.el6.x86_64.img"], boot.DefaultEntry!.InitrdPaths);
        Assert.StartsWith("ro root=/dev/mapper/VolGroup-lv_root", boot.DefaultEntry.KernelCommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grub_legacy_default_saved_reads_boot_grub_default()
    {
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub/menu.lst"] = GrubSamples.Rhel6GrubConf.Replace("default=1", "default saved", StringComparison.Ordinal),
            ["/boot/grub/default"] = "0\n#\n#\n",
        }));

        Assert.Equal(DefaultEntrySource.SavedEntry, boot.DefaultSource);
        Assert.Equal("2.6.32-754.35.1.el6.x86_64", boot.DefaultKernelVersion);
    }

    [Fact]
    public async Task Two_different_grub_configurations_are_reported()
    {
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"0\""),
            ["/boot/grub/menu.lst"] = GrubSamples.Rhel6GrubConf,
        }));

        Assert.True(boot.HasMultipleDifferentConfigurations);
        Assert.Equal(["/boot/grub/grub.cfg", "/boot/grub/menu.lst"], boot.DistinctConfigurations.Select(configuration => configuration.Path));
        Assert.Equal(GrubFlavor.Grub2, boot.Flavor);
    }

    [Fact]
    public async Task A_full_efi_grub_cfg_beside_a_bios_one_is_two_configurations()
    {
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub2/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"0\""),
            ["/boot/efi/EFI/centos/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"1>0\""),
        }));

        Assert.True(boot.HasMultipleDifferentConfigurations);
    }

    [Fact]
    public async Task Identical_copies_are_one_configuration()
    {
        var config = GrubSamples.UbuntuGrubCfg("set default=\"0\"");
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub2/grub.cfg"] = config,
            ["/boot/efi/EFI/centos/grub.cfg"] = config.Replace("\n", "  \r\n", StringComparison.Ordinal),
        }));

        Assert.Equal(2, boot.Configurations.Count);
        Assert.False(boot.HasMultipleDifferentConfigurations);
    }

    [Fact]
    public async Task Hostile_grub_cfg_gives_a_note_not_an_exception()
    {
        var deep = string.Concat(Enumerable.Repeat("submenu 'x' {\n", 100)) + "menuentry 'y' {\nlinux /vmlinuz-1\n}\n";
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/boot/grub2/grub.cfg"] = deep,
            ["/boot/grub/grub.cfg"] = "menuentry 'unterminated {\n}\n}\n}\nset default=\"0\nmenuentry \"ok\" {\n linux /vmlinuz-2 \\\n  ro\n}\n",
        }));

        Assert.Contains(boot.Notes, note => note.Contains("nested deeper", StringComparison.Ordinal));
        var configuration = Assert.Single(boot.Configurations);
        Assert.Equal("ok", Assert.Single(configuration.Entries).Title);
        Assert.Equal("ro", configuration.Entries[0].KernelCommandLine);
    }

    [Fact]
    public async Task No_grub_at_all()
    {
        var boot = await BootLoaderInspector.InspectAsync(LinuxTree.Root(new Dictionary<string, string> { ["/boot/vmlinuz-6.1.0-18-amd64"] = "k" }));

        Assert.Null(boot.Primary);
        Assert.Null(boot.Flavor);
        Assert.Empty(boot.Configurations);
        Assert.Equal(DefaultEntrySource.None, boot.DefaultSource);
        Assert.False(boot.DefaultKernelDetected);
    }

    [Fact]
    public async Task Separate_boot_partition_paths_resolve_under_boot()
    {
        var root = LinuxTree.Root(new Dictionary<string, string> { ["/boot/vmlinuz-1"] = "k" });

        Assert.Equal(("/boot/vmlinuz-1", true), await BootLoaderInspector.ResolveBootPathAsync(root, "(hd0,0)/vmlinuz-1"));
        Assert.Equal(("/boot/vmlinuz-1", true), await BootLoaderInspector.ResolveBootPathAsync(root, "/boot/vmlinuz-1"));
        Assert.Equal(("/vmlinuz-2", false), await BootLoaderInspector.ResolveBootPathAsync(root, "/vmlinuz-2"));
    }
}
