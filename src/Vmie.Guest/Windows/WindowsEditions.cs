namespace Vmie.Guest.Windows;

/// <summary>
/// EditionID values (SOFTWARE\Microsoft\Windows NT\CurrentVersion) mapped to the spec's edition families. An
/// evaluation ("...Eval"), N/KN market variant or Server Core suffix ("...Core") keeps its family.
/// </summary>
public static class WindowsEditions
{
    private static readonly (string Prefix, WindowsEdition Edition)[] Families =
    [
        ("ServerDatacenter", WindowsEdition.Datacenter),
        ("ServerStandard", WindowsEdition.Standard),
        ("ServerEnterprise", WindowsEdition.Enterprise),
        ("ServerWeb", WindowsEdition.WebServer),
        ("Datacenter", WindowsEdition.Datacenter),
        ("Standard", WindowsEdition.Standard),
        ("Professional", WindowsEdition.Professional),
        ("Enterprise", WindowsEdition.Enterprise),
        ("Education", WindowsEdition.Education),
        ("Ultimate", WindowsEdition.Ultimate),
        ("HomePremium", WindowsEdition.Home),
        ("HomeBasic", WindowsEdition.Home),
        ("Home", WindowsEdition.Home),

        // Windows 8 and later call Home "Core" (CoreSingleLanguage, CoreCountrySpecific, CoreN).
        ("Core", WindowsEdition.Home),
    ];

    public static WindowsEdition FromEditionId(string? editionId)
    {
        if (string.IsNullOrEmpty(editionId))
        {
            return WindowsEdition.Other;
        }

        foreach (var (prefix, edition) in Families)
        {
            if (editionId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return edition;
            }
        }

        return WindowsEdition.Other;
    }
}
