namespace Vmie.Guest.Linux;

/// <summary>The machine a guest's binaries are built for, as libguestfs names it.</summary>
public enum LinuxArchitecture
{
    Unknown,
    X86_64,
    I386,
    Aarch64,

    /// <summary>A valid ELF for another machine (32-bit ARM, POWER, s390x, RISC-V...).</summary>
    Other,
}
