namespace Vmie.Guest.Linux;

/// <summary>
/// A Boot Loader Specification type #1 entry (/boot/loader/entries/ID.conf): "key value" lines with the keys
/// title, version, linux, initrd (repeatable), options (repeatable, joined). The id is the file name less ".conf".
/// </summary>
public static class BlsEntryParser
{
    public static GrubMenuEntry Parse(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(content);
        var fileName = path[(path.LastIndexOf('/') + 1)..];
        var id = fileName.EndsWith(".conf", StringComparison.Ordinal) ? fileName[..^5] : fileName;
        string? title = null;
        string? version = null;
        string? linux = null;
        var options = new List<string>();
        var initrds = new List<string>();
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t']);
            var key = split < 0 ? line : line[..split];
            var value = split < 0 ? "" : line[(split + 1)..].Trim();
            switch (key)
            {
                case "title":
                    title = value;
                    break;
                case "version":
                    version = value;
                    break;
                case "linux":
                    linux = value;
                    break;
                case "initrd":
                    initrds.AddRange(value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
                    break;
                case "options":
                    options.Add(value);
                    break;
            }
        }

        var shownTitle = title ?? id;
        return new GrubMenuEntry(shownTitle, id, shownTitle, "", linux, string.Join(' ', options), initrds, id, version, new LinuxEvidence(path, 0, $"title {shownTitle}"));
    }
}
