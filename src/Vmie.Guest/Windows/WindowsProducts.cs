namespace Vmie.Guest.Windows;

/// <summary>
/// Tells which product of the spec's table (§4.2.2) a version is. NT 5.2 to 6.3 name one server and one client
/// release each; NT 10.0 servers are told apart by build (14393 2016, 16299 1709, 17134 1803, 17763 2019, 20348
/// 2022, 26100 2025), and clients from build 22000 on are Windows 11.
/// </summary>
public static class WindowsProducts
{
    private static readonly Dictionary<int, WindowsProduct> ServerBuilds = new()
    {
        [14393] = WindowsProduct.WindowsServer2016,
        [16299] = WindowsProduct.WindowsServer1709,
        [17134] = WindowsProduct.WindowsServer1803,
        [17763] = WindowsProduct.WindowsServer2019,
        [20348] = WindowsProduct.WindowsServer2022,
        [26100] = WindowsProduct.WindowsServer2025,
    };

    /// <summary>The first Windows 11 build.</summary>
    public const int FirstWindows11Build = 22000;

    /// <param name="isServer">A server installation (InstallationType, else ProductType, else the product name).</param>
    /// <param name="productName">Only to tell Server 2003 R2 from 2003: both are NT 5.2 build 3790.</param>
    public static WindowsProduct Classify(int major, int minor, int? build, bool isServer, string? productName)
    {
        return (major, minor, isServer) switch
        {
            (5, 2, true) => productName?.Contains("R2", StringComparison.OrdinalIgnoreCase) == true
                ? WindowsProduct.WindowsServer2003R2
                : WindowsProduct.WindowsServer2003,
            (6, 0, true) => WindowsProduct.WindowsServer2008,
            (6, 1, true) => WindowsProduct.WindowsServer2008R2,
            (6, 1, false) => WindowsProduct.Windows7,
            (6, 2, true) => WindowsProduct.WindowsServer2012,
            (6, 2, false) => WindowsProduct.Windows8,
            (6, 3, true) => WindowsProduct.WindowsServer2012R2,
            (6, 3, false) => WindowsProduct.Windows81,
            (10, 0, true) => build is { } b && ServerBuilds.TryGetValue(b, out var server) ? server : WindowsProduct.Unknown,
            (10, 0, false) => build is null ? WindowsProduct.Unknown : build >= FirstWindows11Build ? WindowsProduct.Windows11 : WindowsProduct.Windows10,
            _ => WindowsProduct.Unknown,
        };
    }

    /// <summary>The product's name as the spec's table writes it.</summary>
    public static string DisplayName(WindowsProduct product) => product switch
    {
        WindowsProduct.WindowsServer2003 => "Windows Server 2003",
        WindowsProduct.WindowsServer2003R2 => "Windows Server 2003 R2",
        WindowsProduct.WindowsServer2008 => "Windows Server 2008",
        WindowsProduct.WindowsServer2008R2 => "Windows Server 2008 R2",
        WindowsProduct.WindowsServer2012 => "Windows Server 2012",
        WindowsProduct.WindowsServer2012R2 => "Windows Server 2012 R2",
        WindowsProduct.WindowsServer2016 => "Windows Server 2016",
        WindowsProduct.WindowsServer1709 => "Windows Server 1709",
        WindowsProduct.WindowsServer1803 => "Windows Server 1803",
        WindowsProduct.WindowsServer2019 => "Windows Server 2019",
        WindowsProduct.WindowsServer2022 => "Windows Server 2022",
        WindowsProduct.WindowsServer2025 => "Windows Server 2025",
        WindowsProduct.Windows7 => "Windows 7",
        WindowsProduct.Windows8 => "Windows 8",
        WindowsProduct.Windows81 => "Windows 8.1",
        WindowsProduct.Windows10 => "Windows 10",
        WindowsProduct.Windows11 => "Windows 11",
        _ => "Unknown Windows",
    };
}
