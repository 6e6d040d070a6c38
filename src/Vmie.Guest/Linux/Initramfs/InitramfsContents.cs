namespace Vmie.Guest.Linux.Initramfs;

/// <summary>
/// The file list of an initramfs, across all its concatenated archives. <see cref="Segments"/> names each
/// part as read ("cpio", "gzip", "xz", "zstd", "lz4-legacy", "bzip2"): an uncompressed first part is the early
/// microcode archive dracut and initramfs-tools prepend.
/// </summary>
public sealed class InitramfsContents
{
    private static readonly string[] ModuleSuffixes = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"];

    private readonly HashSet<string> _paths;

    public InitramfsContents(IReadOnlyList<InitramfsEntry> entries, IReadOnlyList<string> segments)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        Segments = segments;
        _paths = entries.Select(entry => entry.Path).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<InitramfsEntry> Entries { get; }

    public IReadOnlyList<string> Segments { get; }

    /// <summary>True when the archive holds <paramref name="path"/> ("/usr/lib/modules/..." or "usr/lib/modules/...").</summary>
    public bool Contains(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _paths.Contains(Normalise(path));
    }

    /// <summary>True when a kernel module of that name (e.g. "ena", "nvme") is in the archive, compressed or not.</summary>
    public bool ContainsModule(string moduleName)
    {
        ArgumentNullException.ThrowIfNull(moduleName);
        return Entries.Any(entry =>
        {
            var name = entry.Path[(entry.Path.LastIndexOf('/') + 1)..];
            return ModuleSuffixes.Any(suffix => name == moduleName + suffix);
        });
    }

    internal static string Normalise(string path)
    {
        var trimmed = path;
        while (trimmed.StartsWith("./", StringComparison.Ordinal) || trimmed.StartsWith('/'))
        {
            trimmed = trimmed.StartsWith('/') ? trimmed[1..] : trimmed[2..];
        }

        return trimmed;
    }
}
