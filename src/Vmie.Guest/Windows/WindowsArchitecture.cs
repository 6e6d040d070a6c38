namespace Vmie.Guest.Windows;

/// <summary>The processor architecture a Windows installation was built for, from its PE headers.</summary>
public enum WindowsArchitecture
{
    /// <summary>32-bit x86 (PE machine 0x014C).</summary>
    X86,

    /// <summary>x86-64 (PE machine 0x8664).</summary>
    X64,

    /// <summary>64-bit ARM (PE machine 0xAA64).</summary>
    Arm64,
}
