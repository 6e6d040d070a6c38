using System.Buffers.Binary;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// Changes to a copy of the Debian rootfs that make it look like another guest to the inspector, as the files
/// themselves would (issue 4 "Tests": other distributions simulated by their release files, kernel names and
/// boot configurations; other architectures by the ELF headers of the shell binaries).
/// </summary>
internal static class SimulatedGuests
{
    public const ushort MachineI386 = 3;
    public const ushort MachineX86_64 = 62;
    public const ushort MachineAarch64 = 183;
    public const ushort MachineS390 = 22;
    public const string RockyKernel = "5.14.0-427.13.1.el9_4.x86_64";
    public const string CentOs6Kernel = "2.6.32-754.el6.x86_64";
    public const string SlesKernel = "5.14.21-150500.53-default";
    public const string UbuntuKernel = "5.15.0-105-generic";
    private const string MachineId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    /// <summary>The binaries the architecture detector reads (merged /usr: /bin is a link to usr/bin).</summary>
    private static readonly string[] ShellBinaries = ["usr/bin/dash", "usr/bin/bash", "usr/bin/ls", "usr/bin/echo", "usr/bin/rm", "usr/bin/env"];

    /// <summary>Replaces the shell binaries by files that start with an ELF header of class <paramref name="bits"/> for <paramref name="machine"/> (System V ABI: e_ident, e_type, e_machine).</summary>
    public static void ReplaceShellBinaries(string tree, int bits, ushort machine, bool bigEndian = false)
    {
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = (byte)(bits == 64 ? 2 : 1);
        header[5] = (byte)(bigEndian ? 2 : 1);
        header[6] = 1;
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16), 2);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18), machine);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(16), 2);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(18), machine);
        }

        foreach (var binary in ShellBinaries)
        {
            File.WriteAllBytes(Path.Combine(tree, binary), header);
        }
    }

    /// <summary>Replaces the shell binaries by shell scripts: no ELF header to tell the architecture by.</summary>
    public static void ReplaceShellBinariesWithScripts(string tree)
    {
        foreach (var binary in ShellBinaries)
        {
            File.WriteAllText(Path.Combine(tree, binary), "#!/usr/bin/busybox sh\nexec busybox \"$@\"\n");
        }
    }

    /// <summary>Rocky Linux 9.4: release files, an el9 kernel with modules, GRUB 2 with blscfg, BLS entries and grubenv (with or without saved_entry), ifcfg-eth0.</summary>
    public static void RockyLinux9(string tree, bool savedEntry)
    {
        RemoveDebianIdentity(tree);
        WriteOsRelease(tree, "NAME=\"Rocky Linux\"\nVERSION=\"9.4 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Rocky Linux 9.4 (Blue Onyx)\"\n");
        File.WriteAllText(Path.Combine(tree, "etc/rocky-release"), "Rocky Linux release 9.4 (Blue Onyx)\n");
        File.CreateSymbolicLink(Path.Combine(tree, "etc/redhat-release"), "rocky-release");
        File.CreateSymbolicLink(Path.Combine(tree, "etc/system-release"), "rocky-release");
        AddKernel(tree, RockyKernel);
        Initramfs(tree, $"boot/initramfs-{RockyKernel}.img");
        var grub = Directory.CreateDirectory(Path.Combine(tree, "boot/grub2")).FullName;
        File.WriteAllText(Path.Combine(grub, "grub.cfg"),
            "set pager=1\nif [ -f ${config_directory}/grubenv ]; then\n  load_env -f ${config_directory}/grubenv\nfi\n"
            + "if [ \"${next_entry}\" ] ; then\n   set default=\"${next_entry}\"\n   set next_entry=\nelse\n   set default=\"${saved_entry}\"\nfi\n"
            + "insmod part_gpt\ninsmod ext2\ninsmod blscfg\nblscfg\n");
        File.WriteAllText(Path.Combine(grub, "grubenv"), GrubEnvironmentBlock(savedEntry ? $"saved_entry={MachineId}-{RockyKernel}\nboot_success=0\n" : "boot_success=0\n"));
        var entries = Directory.CreateDirectory(Path.Combine(tree, "boot/loader/entries")).FullName;
        File.WriteAllText(Path.Combine(entries, $"{MachineId}-{RockyKernel}.conf"),
            $"title Rocky Linux ({RockyKernel}) 9.4 (Blue Onyx)\nversion {RockyKernel}\nlinux /vmlinuz-{RockyKernel}\ninitrd /initramfs-{RockyKernel}.img $tuned_initrd\n"
            + $"options root=UUID={DebianImage.RootUuid} ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M\ngrub_users $grub_users\ngrub_arg --unrestricted\ngrub_class rocky\n");
        File.WriteAllText(Path.Combine(entries, $"{MachineId}-0-rescue.conf"),
            $"title Rocky Linux (0-rescue-{MachineId}) 9.4 (Blue Onyx)\nversion 0-rescue-{MachineId}\nlinux /vmlinuz-0-rescue-{MachineId}\ninitrd /initramfs-0-rescue-{MachineId}.img\noptions root=UUID={DebianImage.RootUuid} ro\ngrub_class rocky\n");
        File.WriteAllText(Path.Combine(tree, $"boot/vmlinuz-0-rescue-{MachineId}"), "kernel");
        var scripts = Directory.CreateDirectory(Path.Combine(tree, "etc/sysconfig/network-scripts")).FullName;
        File.WriteAllText(Path.Combine(scripts, "ifcfg-eth0"), "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n");
    }

    /// <summary>CentOS 6.10: centos-release (no os-release), a 2.6.32 kernel, GRUB legacy grub.conf with the menu.lst and /etc/grub.conf links.</summary>
    public static void CentOs6(string tree, string release = "6.10")
    {
        RemoveDebianIdentity(tree);
        File.WriteAllText(Path.Combine(tree, "etc/centos-release"), $"CentOS release {release} (Final)\n");
        File.CreateSymbolicLink(Path.Combine(tree, "etc/redhat-release"), "centos-release");
        File.CreateSymbolicLink(Path.Combine(tree, "etc/system-release"), "centos-release");
        AddKernel(tree, CentOs6Kernel);
        var grub = Directory.CreateDirectory(Path.Combine(tree, "boot/grub")).FullName;
        File.WriteAllText(Path.Combine(grub, "grub.conf"),
            $"default=0\ntimeout=5\nsplashimage=(hd0,0)/grub/splash.xpm.gz\nhiddenmenu\ntitle CentOS 6 ({CentOs6Kernel})\n\troot (hd0,0)\n"
            + $"\tkernel /vmlinuz-{CentOs6Kernel} ro root=UUID={DebianImage.RootUuid} rd_NO_LUKS rd_NO_LVM\n");
        File.CreateSymbolicLink(Path.Combine(grub, "menu.lst"), "./grub.conf");
        File.CreateSymbolicLink(Path.Combine(tree, "etc/grub.conf"), "../boot/grub/grub.conf");
    }

    /// <summary>SUSE Linux Enterprise Server 15 SP5: os-release, a -default kernel, GRUB 2 in /boot/grub2, sysconfig ifcfg-eth0.</summary>
    public static void Sles15Sp5(string tree)
    {
        RemoveDebianIdentity(tree);
        WriteOsRelease(tree, "NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\nID=\"sles\"\nID_LIKE=\"suse\"\nANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp5\"\n");
        AddKernel(tree, SlesKernel);
        var grub = Directory.CreateDirectory(Path.Combine(tree, "boot/grub2")).FullName;
        File.WriteAllText(Path.Combine(grub, "grub.cfg"),
            $"set default=0\nmenuentry 'SLES 15-SP5' --class sles --class gnu-linux --class gnu --class os $menuentry_id_option 'gnulinux-simple-{DebianImage.RootUuid}' {{\n"
            + $"\tlinux\t/boot/vmlinuz-{SlesKernel} root=UUID={DebianImage.RootUuid} splash=silent mitigations=auto quiet\n}}\n");
        var network = Directory.CreateDirectory(Path.Combine(tree, "etc/sysconfig/network")).FullName;
        File.WriteAllText(Path.Combine(network, "ifcfg-eth0"), "BOOTPROTO='dhcp'\nSTARTMODE='auto'\n");
    }

    /// <summary>Ubuntu 22.04: os-release and lsb-release, a -generic kernel, grub.cfg, netplan naming ens5 (or eth0 with net.ifnames=0).</summary>
    public static void Ubuntu2204(string tree, bool predictableNames)
    {
        RemoveDebianIdentity(tree);
        WriteOsRelease(tree, "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n");
        File.WriteAllText(Path.Combine(tree, "etc/lsb-release"), "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.4 LTS\"\n");
        File.WriteAllText(Path.Combine(tree, "etc/debian_version"), "bookworm/sid\n");
        AddKernel(tree, UbuntuKernel);
        var options = predictableNames ? "ro quiet splash" : "ro quiet splash net.ifnames=0";
        var grub = Directory.CreateDirectory(Path.Combine(tree, "boot/grub")).FullName;
        File.WriteAllText(Path.Combine(grub, "grub.cfg"),
            $"set default=\"0\"\nmenuentry 'Ubuntu' --class ubuntu {{\n\tlinux\t/boot/vmlinuz-{UbuntuKernel} root=UUID={DebianImage.RootUuid} {options}\n\tinitrd\t/boot/initrd.img-{UbuntuKernel}\n}}\n");
        Initramfs(tree, $"boot/initrd.img-{UbuntuKernel}");
        var netplan = Directory.CreateDirectory(Path.Combine(tree, "etc/netplan")).FullName;
        File.WriteAllText(Path.Combine(netplan, "50-cloud-init.yaml"),
            $"network:\n  version: 2\n  ethernets:\n    {(predictableNames ? "ens5" : "eth0")}:\n      dhcp4: true\n      match:\n        macaddress: 52:54:00:12:34:56\n");
    }

    /// <summary>Sets the Debian version in os-release and debian_version (e.g. "9" and "9.13").</summary>
    public static void DebianVersion(string tree, string versionId, string debianVersion)
    {
        var osRelease = Path.Combine(tree, "usr/lib/os-release");
        var lines = File.ReadAllLines(osRelease).Where(line => !line.StartsWith("VERSION", StringComparison.Ordinal)).Append($"VERSION_ID=\"{versionId}\"");
        File.WriteAllLines(osRelease, lines);
        File.WriteAllText(Path.Combine(tree, "etc/debian_version"), debianVersion + "\n");
    }

    /// <summary>
    /// A gzip-compressed newc cpio initramfs (cpio -o -H newc | gzip) holding an init script and the ENA module,
    /// as initramfs-tools and dracut write one, at <paramref name="relativePath"/>.
    /// </summary>
    public static void Initramfs(string tree, string relativePath)
    {
        var content = ExternalTool.ScratchPath(Path.GetFileName(relativePath) + "-" + Guid.NewGuid().ToString("N") + "-content");
        Directory.CreateDirectory(Path.Combine(content, "usr/lib/modules"));
        File.WriteAllText(Path.Combine(content, "init"), "#!/bin/sh\nexec /sbin/init\n");
        File.WriteAllText(Path.Combine(content, "usr/lib/modules/ena.ko"), "module");
        RequiredTool.Require("cpio", "cpio");
        RequiredTool.Require("gzip", "gzip");
        ExternalTool.Run("sh", "dash", "-c", "cd \"$1\" && find . | cpio --quiet -o -H newc | gzip -9 > \"$2\"", "sh", content, Path.Combine(tree, relativePath));
        Directory.Delete(content, recursive: true);
    }

    /// <summary>grubenv: "# GRUB Environment Block", the variables, '#' padding to 1024 bytes.</summary>
    private static string GrubEnvironmentBlock(string variables)
    {
        var text = "# GRUB Environment Block\n" + variables;
        return text + new string('#', 1024 - text.Length);
    }

    private static void RemoveDebianIdentity(string tree)
    {
        File.Delete(Path.Combine(tree, "etc/os-release"));
        File.Delete(Path.Combine(tree, "usr/lib/os-release"));
        File.Delete(Path.Combine(tree, "etc/debian_version"));
        Directory.Delete(Path.Combine(tree, "boot/grub"), recursive: true);
        File.Delete(Path.Combine(tree, "boot/vmlinuz-" + DebianImage.Kernel));
        Directory.Delete(Path.Combine(tree, "usr/lib/modules", DebianImage.Kernel), recursive: true);
    }

    private static void WriteOsRelease(string tree, string text)
    {
        File.WriteAllText(Path.Combine(tree, "usr/lib/os-release"), text);
        File.CreateSymbolicLink(Path.Combine(tree, "etc/os-release"), "../usr/lib/os-release");
    }

    /// <summary>A kernel image name in /boot and its modules directory, with ENA (a module) and NVMe (built in).</summary>
    private static void AddKernel(string tree, string version)
    {
        File.WriteAllText(Path.Combine(tree, "boot/vmlinuz-" + version), "kernel");
        var modules = Path.Combine(tree, "usr/lib/modules", version);
        Directory.CreateDirectory(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena"));
        File.WriteAllText(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena/ena.ko"), "m");
        File.WriteAllText(Path.Combine(modules, "modules.builtin"), "kernel/drivers/nvme/host/nvme.ko\n");
    }
}
