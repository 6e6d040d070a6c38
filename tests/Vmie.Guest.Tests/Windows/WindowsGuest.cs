using System.Buffers.Binary;
using Vmie.Guest.FileSystems;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Windows;

/// <summary>
/// A Windows system volume built in memory for inspection tests: a case-insensitive tree with the system root,
/// cmd.exe as a minimal PE image of the chosen machine, and SOFTWARE and SYSTEM hives written by HiveWriter.
/// Presets describe real releases by the values their registries hold.
/// </summary>
internal sealed class WindowsGuest
{
    public const ushort X64 = 0x8664;
    public const ushort I386 = 0x014C;
    public const ushort Arm64 = 0xAA64;

    public string Root { get; init; } = "Windows";

    public ushort Machine { get; init; } = X64;

    public HiveKey Software { get; } = new("ROOT");

    public HiveKey System { get; } = new("ROOT");

    public HiveKey CurrentVersion => Software.Key(@"Microsoft\Windows NT\CurrentVersion");

    public HiveKey ControlSet => System.Key("ControlSet001");

    public Dictionary<string, byte[]> ExtraFiles { get; } = new(StringComparer.Ordinal);

    public bool WithSoftware { get; set; } = true;

    public bool WithSystem { get; set; } = true;

    public bool WithCmd { get; set; } = true;

    public static WindowsGuest Nt10(string productName, string editionId, string installationType, int build, string language = "0409", ushort machine = X64)
    {
        var guest = new WindowsGuest { Machine = machine };
        guest.CurrentVersion
            .String("ProductName", productName)
            .String("EditionID", editionId)
            .String("InstallationType", installationType)
            .String("CurrentVersion", "6.3")
            .DWord("CurrentMajorVersionNumber", 10)
            .DWord("CurrentMinorVersionNumber", 0)
            .String("CurrentBuild", build.ToString(global::System.Globalization.CultureInfo.InvariantCulture))
            .String("CurrentBuildNumber", build.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        guest.SetLanguage(language);
        guest.ControlSet.Key(@"Control\ProductOptions").String("ProductType", installationType == "Client" ? "WinNT" : "ServerNT");
        guest.SetPagefile(@"?:\pagefile.sys");
        return guest;
    }

    /// <summary>A release before Windows 10: the version only in the CurrentVersion string.</summary>
    public static WindowsGuest Legacy(string productName, string editionId, string currentVersion, int build, string? installationType, string productType, ushort machine = X64)
    {
        var guest = new WindowsGuest { Machine = machine };
        var key = guest.CurrentVersion
            .String("ProductName", productName)
            .String("EditionID", editionId)
            .String("CurrentVersion", currentVersion)
            .String("CurrentBuildNumber", build.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
        if (installationType is not null)
        {
            key.String("InstallationType", installationType);
        }

        guest.SetLanguage("0409");
        guest.ControlSet.Key(@"Control\ProductOptions").String("ProductType", productType);
        return guest;
    }

    public WindowsGuest SetLanguage(string languageId)
    {
        var language = ControlSet.Key(@"Control\Nls\Language");
        language.Values.Clear();
        language.String("InstallLanguage", languageId).String("Default", languageId);
        return this;
    }

    public WindowsGuest SetPagefile(params string[] lines)
    {
        var memory = ControlSet.Key(@"Control\Session Manager\Memory Management");
        memory.Values.RemoveAll(value => value.Name == "PagingFiles");
        memory.MultiString("PagingFiles", lines);
        return this;
    }

    /// <summary>A PE image: "MZ", e_lfanew at 0x3C pointing at 0x80, "PE\0\0", then the machine.</summary>
    public static byte[] PeImage(ushort machine)
    {
        var image = new byte[0x200];
        "MZ"u8.CopyTo(image);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x3C), 0x80);
        "PE\0\0"u8.CopyTo(image.AsSpan(0x80));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x84), machine);
        return image;
    }

    public Dictionary<string, byte[]> Files()
    {
        System.Key("Select").Values.RemoveAll(value => value.Name == "Current");
        System.Key("Select").DWord("Current", 1);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [$"{Root}/System32/config/"] = [],
            [$"{Root}/System32/drivers/"] = [],
            ["Program Files/"] = [],
        };
        if (WithCmd)
        {
            files[$"{Root}/System32/cmd.exe"] = PeImage(Machine);
        }

        if (WithSoftware)
        {
            files[$"{Root}/System32/config/SOFTWARE"] = HiveWriter.Write(Software);
        }

        if (WithSystem)
        {
            files[$"{Root}/System32/config/SYSTEM"] = HiveWriter.Write(System);
        }

        foreach (var (path, content) in ExtraFiles)
        {
            files[path] = content;
        }

        return files;
    }

    public GuestFiles Volume() => new(new TreeFileSystem(Files(), caseInsensitive: true));
}
