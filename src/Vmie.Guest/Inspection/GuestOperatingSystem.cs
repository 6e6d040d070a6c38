namespace Vmie.Guest.Inspection;

/// <summary>The operating system the inspection settled on, in the terms a report (and an AMI) needs.</summary>
/// <param name="Name">"Debian GNU/Linux 12 (bookworm)", "Windows Server 2019 Datacenter"...</param>
/// <param name="Distribution">The support-table family: "Debian", "Rhel"... for Linux; the product for Windows.</param>
/// <param name="Architecture">"x86_64", "i386", "aarch64"...</param>
/// <param name="RootDevice">The guest device holding the root (/dev/sda2) or the system volume.</param>
public sealed record GuestOperatingSystem(
    OperatingSystemKind Kind,
    string Name,
    string? Distribution,
    string? Version,
    string Architecture,
    string? DefaultKernel,
    string RootDevice);
