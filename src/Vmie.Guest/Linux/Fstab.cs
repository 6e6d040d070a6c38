using System.Text;

namespace Vmie.Guest.Linux;

/// <summary>
/// /etc/fstab parsed as fstab(5) and util-linux read it: blank and # lines skipped, fields split on blanks,
/// \040-style octal escapes decoded, type, options, dump and pass optional (auto, defaults, 0, 0). A line that
/// cannot be a mount (one field, more than six, a non-numeric dump or pass) is kept in
/// <see cref="MalformedLines"/>: the verdict "Could not read fstab" rests on them.
/// </summary>
public sealed class Fstab
{
    private Fstab(IReadOnlyList<FstabEntry> entries, IReadOnlyList<LinuxEvidence> malformedLines)
    {
        Entries = entries;
        MalformedLines = malformedLines;
    }

    public const string Path = "/etc/fstab";

    public IReadOnlyList<FstabEntry> Entries { get; }

    public IReadOnlyList<LinuxEvidence> MalformedLines { get; }

    /// <summary>The entry mounted at <paramref name="mountPoint"/> ("/", "/boot", "/boot/efi"), the last one winning as mount -a would.</summary>
    public FstabEntry? EntryFor(string mountPoint) => Entries.LastOrDefault(entry => entry.MountPoint == mountPoint);

    public static Fstab Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var entries = new List<FstabEntry>();
        var malformed = new List<LinuxEvidence>();
        var lineNumber = 0;
        foreach (var raw in content.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            var fields = trimmed.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields.Length > 6)
            {
                malformed.Add(new LinuxEvidence(Path, lineNumber, line));
                continue;
            }

            var dump = 0;
            var pass = 0;
            if ((fields.Length > 4 && !int.TryParse(fields[4], out dump)) || (fields.Length > 5 && !int.TryParse(fields[5], out pass)))
            {
                malformed.Add(new LinuxEvidence(Path, lineNumber, line));
                continue;
            }

            var spec = Unescape(fields[0]);
            var (kind, value) = ClassifySpec(spec);
            var options = fields.Length > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : ["defaults"];
            entries.Add(new FstabEntry(lineNumber, spec, kind, value, Unescape(fields[1]), fields.Length > 2 ? fields[2] : "auto", options, dump, pass));
        }

        return new Fstab(entries, malformed);
    }

    private static (FstabSpecKind Kind, string Value) ClassifySpec(string spec)
    {
        (string Prefix, FstabSpecKind Kind)[] tags = [("UUID=", FstabSpecKind.Uuid), ("LABEL=", FstabSpecKind.Label), ("PARTUUID=", FstabSpecKind.PartUuid), ("PARTLABEL=", FstabSpecKind.PartLabel)];
        foreach (var (prefix, kind) in tags)
        {
            if (spec.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return (kind, spec[prefix.Length..].Trim('"'));
            }
        }

        return spec.StartsWith("/dev/", StringComparison.Ordinal) ? (FstabSpecKind.DevicePath, spec) : (FstabSpecKind.Other, spec);
    }

    /// <summary>Decodes fstab's octal escapes (\040 is a space, \011 a tab, \134 a backslash).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var result = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                result.Append((char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text[start] is >= '0' and <= '3' && text[start + 1] is >= '0' and <= '7' && text[start + 2] is >= '0' and <= '7';
}
