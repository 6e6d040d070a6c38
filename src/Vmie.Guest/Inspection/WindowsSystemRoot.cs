namespace Vmie.Guest.Inspection;

/// <summary>
/// A volume that holds a Windows installation (a Windows directory with System32\config\SYSTEM). This is the slot
/// the Windows inspection plugs into: see the integration point in <see cref="GuestInspector"/>.
/// </summary>
public sealed record WindowsSystemRoot(string DeviceName, string SystemRoot);
