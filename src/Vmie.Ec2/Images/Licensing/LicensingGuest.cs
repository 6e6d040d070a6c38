namespace Vmie.Ec2.Images.Licensing;

/// <summary>What guest inspection found that licensing depends on.</summary>
/// <param name="IsWindowsClient">A Windows client edition (Windows 10, 11...), which supports only BYOL; false for servers and Linux.</param>
public sealed record LicensingGuest(GuestOsFamily Family, bool IsWindowsClient)
{
    public static LicensingGuest Linux { get; } = new(GuestOsFamily.Linux, false);

    public static LicensingGuest WindowsServer { get; } = new(GuestOsFamily.Windows, false);

    public static LicensingGuest WindowsClient { get; } = new(GuestOsFamily.Windows, true);

    public string Describe() => Family switch
    {
        GuestOsFamily.Linux => "Linux",
        _ => IsWindowsClient ? "a Windows client operating system" : "Windows Server",
    };
}
