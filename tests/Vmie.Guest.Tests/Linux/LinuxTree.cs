using Vmie.Guest.FileSystems;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Linux;

/// <summary>Builds guest roots for Linux inspection tests from path → content pairs (see TreeFileSystem).</summary>
internal static class LinuxTree
{
    /// <summary>A minimal Linux root: /etc, /usr/bin with /bin → usr/bin, plus the given files.</summary>
    public static GuestFiles Root(IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, byte[]>? binaries = null)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["etc/"] = "",
            ["usr/bin/"] = "",
            ["bin"] = "-> usr/bin",
        };
        foreach (var (path, content) in files)
        {
            entries[path.TrimStart('/')] = content;
        }

        var binaryEntries = binaries?.ToDictionary(pair => pair.Key.TrimStart('/'), pair => pair.Value, StringComparer.Ordinal);
        return new GuestFiles(new TreeFileSystem(entries, binaries: binaryEntries));
    }

    public static GuestFiles Bare(IReadOnlyDictionary<string, string> files) =>
        new(new TreeFileSystem(files.ToDictionary(pair => pair.Key.TrimStart('/'), pair => pair.Value, StringComparer.Ordinal)));
}
