using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Linux;

/// <summary>
/// Collects interface names from the files of ifupdown (iface/auto/allow-* lines), netplan (the keys under
/// "ethernets:", "wifis:", "bonds:"... and set-name), Red Hat and SUSE ifcfg files (DEVICE=, else the name
/// after "ifcfg-"), NetworkManager keyfiles (interface-name=) and systemd-networkd ([Match] Name=, [Link] Name=).
/// </summary>
public static class NetworkConfigurationReader
{
    private const int MaxFilesPerDirectory = 256;
    private const int MaxFileBytes = 256 * 1024;

    public static async ValueTask<NetworkConfiguration> ReadAsync(GuestFiles root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var styles = new List<NetworkConfigurationStyle>();
        var interfaces = new List<NetworkInterfaceReference>();

        var ifupdownFiles = new List<string> { "/etc/network/interfaces" };
        ifupdownFiles.AddRange(await ListFilesAsync(root, "/etc/network/interfaces.d", _ => true, cancellationToken).ConfigureAwait(false));
        await ScanAsync(ifupdownFiles, NetworkConfigurationStyle.Ifupdown, ReadIfupdown).ConfigureAwait(false);
        await ScanAsync(await ListFilesAsync(root, "/etc/netplan", name => name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false), NetworkConfigurationStyle.Netplan, ReadNetplan).ConfigureAwait(false);
        await ScanAsync(await ListFilesAsync(root, "/etc/sysconfig/network-scripts", IsIfcfg, cancellationToken).ConfigureAwait(false), NetworkConfigurationStyle.NetworkScripts, ReadIfcfg).ConfigureAwait(false);
        await ScanAsync(await ListFilesAsync(root, "/etc/sysconfig/network", IsIfcfg, cancellationToken).ConfigureAwait(false), NetworkConfigurationStyle.SuseSysconfig, ReadIfcfg).ConfigureAwait(false);
        await ScanAsync(await ListFilesAsync(root, "/etc/NetworkManager/system-connections", _ => true, cancellationToken).ConfigureAwait(false), NetworkConfigurationStyle.NetworkManager, ReadKeyfile).ConfigureAwait(false);
        await ScanAsync(await ListFilesAsync(root, "/etc/systemd/network", name => name.EndsWith(".network", StringComparison.Ordinal) || name.EndsWith(".link", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false), NetworkConfigurationStyle.SystemdNetworkd, ReadNetworkd).ConfigureAwait(false);
        return new NetworkConfiguration(styles, interfaces);

        async ValueTask ScanAsync(IEnumerable<string> paths, NetworkConfigurationStyle style, Func<string, string, IEnumerable<(string Name, int Line, string Text)>> reader)
        {
            foreach (var path in paths)
            {
                string? text;
                try
                {
                    text = await root.ReadAllTextAsync(path, MaxFileBytes, cancellationToken).ConfigureAwait(false);
                }
                catch (GuestFileTooLargeException)
                {
                    continue;
                }

                if (text is null)
                {
                    continue;
                }

                if (!styles.Contains(style))
                {
                    styles.Add(style);
                }

                foreach (var (name, line, lineText) in reader(path, text))
                {
                    interfaces.Add(new NetworkInterfaceReference(name, style, new LinuxEvidence(path, line, lineText)));
                }
            }
        }
    }

    private static bool IsIfcfg(string name) => name.StartsWith("ifcfg-", StringComparison.Ordinal) && name != "ifcfg-lo" && !name.EndsWith('~') && !name.EndsWith(".bak", StringComparison.Ordinal);

    private static IEnumerable<(string Name, int Line, string Text)> ReadIfupdown(string path, string text)
    {
        foreach (var (line, number) in Lines(text))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && (words[0] == "iface" || words[0] == "auto" || words[0].StartsWith("allow-", StringComparison.Ordinal)))
            {
                foreach (var name in words[0] == "iface" ? words[1..2] : words[1..])
                {
                    yield return (name, number, line);
                }
            }
        }
    }

    /// <summary>Netplan YAML, read by indentation: device ids are the keys one level under a device-type key.</summary>
    private static IEnumerable<(string Name, int Line, string Text)> ReadNetplan(string path, string text)
    {
        string[] deviceTypes = ["ethernets:", "wifis:", "bonds:", "bridges:", "vlans:"];
        var sectionIndent = -1;
        var deviceIndent = -1;
        foreach (var (line, number) in Lines(text, trim: false))
        {
            var trimmed = line.Trim();
            var indent = line.Length - line.TrimStart().Length;
            if (sectionIndent >= 0 && indent <= sectionIndent)
            {
                sectionIndent = -1;
            }

            if (deviceTypes.Contains(trimmed))
            {
                sectionIndent = indent;
                deviceIndent = -1;
                continue;
            }

            if (sectionIndent < 0)
            {
                continue;
            }

            if (deviceIndent < 0)
            {
                deviceIndent = indent;
            }

            if (indent == deviceIndent && trimmed.EndsWith(':'))
            {
                yield return (trimmed[..^1].Trim('"', '\''), number, trimmed);
            }
            else if (trimmed.StartsWith("set-name:", StringComparison.Ordinal))
            {
                yield return (trimmed["set-name:".Length..].Trim().Trim('"', '\''), number, trimmed);
            }
        }
    }

    private static IEnumerable<(string Name, int Line, string Text)> ReadIfcfg(string path, string text)
    {
        var file = ShellAssignmentFile.Parse(path, text);
        if (file["DEVICE"] is { Length: > 0 } device)
        {
            yield return (device, file.EvidenceFor("DEVICE")!.Line, file.EvidenceFor("DEVICE")!.Text);
        }
        else
        {
            yield return (path[(path.LastIndexOf("ifcfg-", StringComparison.Ordinal) + 6)..], 0, "file name");
        }
    }

    private static IEnumerable<(string Name, int Line, string Text)> ReadKeyfile(string path, string text)
    {
        foreach (var (line, number) in Lines(text))
        {
            if (line.StartsWith("interface-name=", StringComparison.Ordinal))
            {
                yield return (line["interface-name=".Length..].Trim(), number, line);
            }
        }
    }

    private static IEnumerable<(string Name, int Line, string Text)> ReadNetworkd(string path, string text)
    {
        var section = "";
        foreach (var (line, number) in Lines(text))
        {
            if (line.StartsWith('['))
            {
                section = line;
                continue;
            }

            if ((section == "[Match]" || section == "[Link]") && line.StartsWith("Name=", StringComparison.Ordinal))
            {
                foreach (var name in line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    // Globs ("en*") are kept as written; a glob is not itself counted as a predictable name.
                    yield return (name, number, line);
                }
            }
        }
    }

    private static IEnumerable<(string Line, int Number)> Lines(string text, bool trim = true)
    {
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#' || trimmed[0] == ';')
            {
                continue;
            }

            yield return (trim ? trimmed : line, number);
        }
    }

    private static async ValueTask<List<string>> ListFilesAsync(GuestFiles root, string directory, Func<string, bool> accept, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        await foreach (var entry in root.ListAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Node.Kind != GuestNodeKind.Directory && accept(entry.Name))
            {
                files.Add(directory + "/" + entry.Name);
                if (files.Count >= MaxFilesPerDirectory)
                {
                    break;
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }
}
