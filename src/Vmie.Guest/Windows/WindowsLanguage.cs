using System.Globalization;

namespace Vmie.Guest.Windows;

/// <summary>
/// A Windows language identifier (LANGID, as the registry writes it in hex: "0409") and its BCP 47 name where
/// known. Names come from a fixed table rather than ICU, which the service may run without (invariant
/// globalization); an identifier outside the table keeps its number and a hex name.
/// </summary>
public sealed record WindowsLanguage(ushort Id, string Name)
{
    public const ushort UsEnglishId = 0x0409;

    private static readonly Dictionary<ushort, string> Names = new()
    {
        [0x0401] = "ar-SA",
        [0x0404] = "zh-TW",
        [0x0405] = "cs-CZ",
        [0x0406] = "da-DK",
        [0x0407] = "de-DE",
        [0x0408] = "el-GR",
        [0x0409] = "en-US",
        [0x040B] = "fi-FI",
        [0x040C] = "fr-FR",
        [0x040D] = "he-IL",
        [0x040E] = "hu-HU",
        [0x0410] = "it-IT",
        [0x0411] = "ja-JP",
        [0x0412] = "ko-KR",
        [0x0413] = "nl-NL",
        [0x0414] = "nb-NO",
        [0x0415] = "pl-PL",
        [0x0416] = "pt-BR",
        [0x0419] = "ru-RU",
        [0x041D] = "sv-SE",
        [0x041F] = "tr-TR",
        [0x0804] = "zh-CN",
        [0x0809] = "en-GB",
        [0x0816] = "pt-PT",
        [0x0C0A] = "es-ES",
        [0x0C0C] = "fr-CA",
        [0x1009] = "en-CA",
        [0x0C09] = "en-AU",
    };

    public bool IsUsEnglish => Id == UsEnglishId;

    public static WindowsLanguage FromId(ushort id) =>
        new(id, Names.TryGetValue(id, out var name) ? name : $"0x{id:X4}");

    /// <summary>A registry LANGID string such as "0409" (hex, optionally "0x"-prefixed), or null when it is not one.</summary>
    public static WindowsLanguage? Parse(string? hex)
    {
        var text = hex?.Trim();
        if (text is not null && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        return text is { Length: > 0 and <= 4 } && ushort.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id)
            ? FromId(id)
            : null;
    }

    public override string ToString() => $"{Name} ({Id:X4})";
}
