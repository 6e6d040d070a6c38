namespace Vmie.Guest.Linux;

/// <summary>
/// One installed kernel: its version ("5.14.0-427.13.1.el9_4.x86_64"), the image in /boot (null when only
/// /lib/modules has it), the matching initramfs (null when none), whether /lib/modules/VERSION exists, and the
/// AWS Nitro drivers it carries (ENA for networking, NVMe for EBS).
/// </summary>
public sealed record LinuxKernel(
    string Version,
    string? ImagePath,
    string? InitramfsPath,
    bool HasModules,
    DriverPresence Ena,
    DriverPresence Nvme)
{
    /// <summary>dracut's rescue kernel (vmlinuz-0-rescue-MACHINEID): present on RHEL-family roots, never a default choice.</summary>
    public bool IsRescue => Version.StartsWith("0-rescue", StringComparison.Ordinal);
}
