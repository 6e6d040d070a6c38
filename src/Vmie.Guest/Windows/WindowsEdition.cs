namespace Vmie.Guest.Windows;

/// <summary>The edition families of the spec's Windows support table (§4.2.2), from SOFTWARE's EditionID.</summary>
public enum WindowsEdition
{
    /// <summary>An EditionID outside the table (e.g. "IoTEnterprise", "ServerSolution"); the raw value is kept beside it.</summary>
    Other,
    Home,
    Professional,
    Enterprise,
    Education,
    Ultimate,
    Standard,
    Datacenter,
    WebServer,
}
