namespace Vmie.Guest.Windows;

/// <summary>The Windows products of the spec's support table (§4.2.2), and Unknown for everything else.</summary>
public enum WindowsProduct
{
    /// <summary>A version the table does not list (XP, Vista, a semi-annual Server build such as 1909, a future build).</summary>
    Unknown,
    WindowsServer2003,
    WindowsServer2003R2,
    WindowsServer2008,
    WindowsServer2008R2,
    WindowsServer2012,
    WindowsServer2012R2,
    WindowsServer2016,
    WindowsServer1709,
    WindowsServer1803,
    WindowsServer2019,
    WindowsServer2022,
    WindowsServer2025,
    Windows7,
    Windows8,
    Windows81,
    Windows10,
    Windows11,
}
