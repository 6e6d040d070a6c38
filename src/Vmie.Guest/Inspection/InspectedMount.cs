namespace Vmie.Guest.Inspection;

/// <summary>An fstab mount of the Linux root: the volume it resolved to, or why it was not mounted in the view.</summary>
public sealed record InspectedMount(string MountPoint, string Spec, string Type, string? DeviceName, string? Problem);
