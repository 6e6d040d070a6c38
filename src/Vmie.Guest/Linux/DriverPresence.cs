namespace Vmie.Guest.Linux;

/// <summary>Whether a kernel can drive a device: not at all, with a loadable module, or built in.</summary>
public enum DriverPresence
{
    Absent,
    Module,
    BuiltIn,
}
