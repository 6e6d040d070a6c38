using System.Globalization;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// The text descriptor of a VMDK ("Virtual Disk Format 5.0", "The Descriptor File"): header entries
/// (version, CID, parentCID, createType), the extent description lines, and the disk database (ddb.*).
/// It is embedded in a sparse extent or is the whole of a descriptor file.
/// </summary>
public sealed class VmdkDescriptor
{
    /// <summary>Largest descriptor vmie parses; real ones are well under 4 KiB.</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>parentCID of a disk without a parent.</summary>
    public const string NoParent = "ffffffff";

    private static readonly string[] AccessModes = ["RW", "RDONLY", "NOACCESS"];

    private VmdkDescriptor(IReadOnlyDictionary<string, string> entries, IReadOnlyDictionary<string, string> diskDatabase, IReadOnlyList<VmdkExtentDescription> extents)
    {
        Entries = entries;
        DiskDatabase = diskDatabase;
        Extents = extents;
    }

    /// <summary>Header entries other than ddb.* (e.g. "version", "CID", "parentCID", "createType"), unquoted.</summary>
    public IReadOnlyDictionary<string, string> Entries { get; }

    /// <summary>The ddb.* entries (e.g. "ddb.adapterType" → "ide", "ddb.virtualHWVersion" → "4"), unquoted.</summary>
    public IReadOnlyDictionary<string, string> DiskDatabase { get; }

    public IReadOnlyList<VmdkExtentDescription> Extents { get; }

    public string? CreateType => Entries.GetValueOrDefault("createType");

    public string? ParentCid => Entries.GetValueOrDefault("parentCID");

    /// <summary>True when the disk declares a parent (a delta/differencing link).</summary>
    public bool HasParent =>
        (ParentCid is { } parent && !string.Equals(parent, NoParent, StringComparison.OrdinalIgnoreCase))
        || Entries.ContainsKey("parentFileNameHint");

    /// <summary>True when the text starts like a descriptor file (so a non-KDMV source can be told apart from garbage).</summary>
    public static bool LooksLikeDescriptor(ReadOnlySpan<byte> start)
    {
        var text = System.Text.Encoding.ASCII.GetString(start).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith("# Disk DescriptorFile", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses descriptor text; malformed extent lines are an <see cref="InvalidDiskImageException"/>.</summary>
    public static VmdkDescriptor Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new InvalidDiskImageException($"The VMDK descriptor is {text.Length} bytes long; at most {MaxLength} are accepted.");
        }

        // The embedded descriptor is NUL-padded to its sectors.
        var end = text.IndexOf('\0', StringComparison.Ordinal);
        if (end >= 0)
        {
            text = text[..end];
        }

        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var database = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var extents = new List<VmdkExtentDescription>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var firstWord = line.Split([' ', '\t'], 2)[0];
            if (AccessModes.Contains(firstWord, StringComparer.OrdinalIgnoreCase))
            {
                extents.Add(ParseExtent(line));
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidDiskImageException($"The VMDK descriptor has a line that is neither an entry nor an extent: '{Shorten(line)}'.");
            }

            var key = line[..equals].Trim();
            var value = Unquote(line[(equals + 1)..].Trim());
            (key.StartsWith("ddb.", StringComparison.OrdinalIgnoreCase) ? database : entries)[key] = value;
        }

        return new VmdkDescriptor(entries, database, extents);
    }

    /// <summary>
    /// The text of a streamOptimized disk's embedded descriptor, in the order VMware writes it: header entries,
    /// one SPARSE extent line, then the disk database (adapter type, BIOS geometry, virtual hardware version).
    /// </summary>
    internal static string StreamOptimizedText(ulong capacitySectors, string extentFileName, uint contentId, string adapterType, int hardwareVersion)
    {
        var geometry = VmdkDiskGeometry.For(adapterType, capacitySectors);
        var text = new System.Text.StringBuilder();
        text.Append("# Disk DescriptorFile\n")
            .Append("version=1\n")
            .Append("encoding=\"UTF-8\"\n")
            .Append(CultureInfo.InvariantCulture, $"CID={contentId:x8}\n")
            .Append(CultureInfo.InvariantCulture, $"parentCID={NoParent}\n")
            .Append("createType=\"streamOptimized\"\n")
            .Append('\n')
            .Append("# Extent description\n")
            .Append(CultureInfo.InvariantCulture, $"RW {capacitySectors} SPARSE \"{extentFileName}\"\n")
            .Append('\n')
            .Append("# The Disk Data Base\n")
            .Append("#DDB\n")
            .Append('\n')
            .Append(CultureInfo.InvariantCulture, $"ddb.adapterType = \"{adapterType}\"\n")
            .Append(CultureInfo.InvariantCulture, $"ddb.geometry.cylinders = \"{geometry.Cylinders}\"\n")
            .Append(CultureInfo.InvariantCulture, $"ddb.geometry.heads = \"{geometry.Heads}\"\n")
            .Append(CultureInfo.InvariantCulture, $"ddb.geometry.sectors = \"{geometry.SectorsPerTrack}\"\n")
            .Append(CultureInfo.InvariantCulture, $"ddb.virtualHWVersion = \"{hardwareVersion}\"\n");
        return text.ToString();
    }

    private static VmdkExtentDescription ParseExtent(string line)
    {
        // ACCESS SIZE TYPE ["FILENAME" [OFFSET]]; the file name is quoted and may contain spaces.
        var parts = line.Split([' ', '\t'], 4, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new InvalidDiskImageException($"The VMDK descriptor has a malformed extent line: '{Shorten(line)}'.");
        }

        string? fileName = null;
        long offset = 0;
        if (parts.Length == 4)
        {
            var rest = parts[3].Trim();
            var close = rest.Length > 0 && rest[0] == '"' ? rest.IndexOf('"', 1) : -1;
            if (close < 0)
            {
                throw new InvalidDiskImageException($"The VMDK descriptor has an extent line without a quoted file name: '{Shorten(line)}'.");
            }

            fileName = rest[1..close];
            var tail = rest[(close + 1)..].Trim();
            if (tail.Length > 0 && !long.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            {
                throw new InvalidDiskImageException($"The VMDK descriptor has an extent line with a malformed offset: '{Shorten(line)}'.");
            }
        }

        return new VmdkExtentDescription(parts[0].ToUpperInvariant(), size, parts[2].ToUpperInvariant(), fileName, offset);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
