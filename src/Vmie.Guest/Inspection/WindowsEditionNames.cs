namespace Vmie.Guest.Inspection;

/// <summary>Maps the EditionID values of the registry (and ProductName words) to the edition names of spec §4.2.2.</summary>
public static class WindowsEditionNames
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Core"] = "Home",
        ["CoreSingleLanguage"] = "Home",
        ["CoreCountrySpecific"] = "Home",
        ["HomeBasic"] = "Home",
        ["HomePremium"] = "Home",
        ["Home"] = "Home",
        ["Pro"] = "Professional",
        ["Professional"] = "Professional",
        ["Enterprise"] = "Enterprise",
        ["Education"] = "Education",
        ["Ultimate"] = "Ultimate",
        ["Standard"] = "Standard",
        ["Datacenter"] = "Datacenter",
        ["Web"] = "Web Server",
        ["Web Server"] = "Web Server",
    };

    /// <summary>"ServerDatacenterEval" → "Datacenter", "ProfessionalN" → "Professional", "Core" → "Home"; unknown names come back trimmed.</summary>
    public static string Normalize(string edition)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var name = edition.Trim();
        if (name.StartsWith("Server", StringComparison.OrdinalIgnoreCase) && name.Length > "Server".Length)
        {
            name = name["Server".Length..];
        }

        foreach (var suffix in new[] { "Eval", "N", "Core" })
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal) && Aliases.ContainsKey(name[..^suffix.Length]))
            {
                name = name[..^suffix.Length];
            }
        }

        return Aliases.TryGetValue(name, out var canonical) ? canonical : name;
    }
}
