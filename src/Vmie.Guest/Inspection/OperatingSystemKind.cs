namespace Vmie.Guest.Inspection;

public enum OperatingSystemKind
{
    /// <summary>No operating system root was found on any volume.</summary>
    Unknown,
    Linux,
    Windows,
}
