namespace Vmie.Guest.Linux;

/// <summary>
/// Reads a GRUB legacy menu.lst / grub.conf: "default N" (or "default saved", resolved from /boot/grub/default
/// by the caller), "title ..." starting an entry, "kernel PATH ARGS" and "initrd PATH" inside it, "configfile".
/// A keyword may be followed by blanks or by '=' (GRUB legacy accepts both).
/// </summary>
public static class GrubLegacyConfigParser
{
    private const int MaxEntries = 10_000;

    public static GrubConfiguration Parse(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var entries = new List<GrubMenuEntry>();
        var configFiles = new List<string>();
        string? defaultSetting = null;
        LinuxEvidence? defaultEvidence = null;
        string? title = null;
        LinuxEvidence? titleEvidence = null;
        string? kernel = null;
        string? commandLine = null;
        var initrds = new List<string>();
        var lineNumber = 0;
        foreach (var raw in content.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t', '=']);
            var keyword = split < 0 ? line : line[..split];
            var rest = split < 0 ? "" : line[(split + 1)..].Trim();
            switch (keyword)
            {
                case "title":
                    Finish();
                    title = rest;
                    titleEvidence = new LinuxEvidence(path, lineNumber, line);
                    break;
                case "default" when title is null:
                    defaultSetting = rest;
                    defaultEvidence = new LinuxEvidence(path, lineNumber, line);
                    break;
                case "kernel" when title is not null:
                    {
                        var parts = rest.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                        kernel = parts.Length > 0 ? parts[0] : null;
                        commandLine = parts.Length > 1 ? parts[1].Trim() : "";
                        break;
                    }

                case "initrd" when title is not null:
                    initrds.AddRange(rest.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Take(1));
                    break;
                case "configfile" when rest.Length > 0:
                    configFiles.Add(rest);
                    break;
            }
        }

        Finish();
        return new GrubConfiguration(path, GrubFlavor.Legacy, entries, defaultSetting, defaultEvidence, false, configFiles, Grub2ConfigParser.HashOf(content));

        void Finish()
        {
            if (title is not null && entries.Count < MaxEntries)
            {
                var index = entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                entries.Add(new GrubMenuEntry(title, null, title, index, kernel, commandLine, [.. initrds], null, null, titleEvidence!));
            }

            title = null;
            kernel = null;
            commandLine = null;
            initrds.Clear();
        }
    }
}
