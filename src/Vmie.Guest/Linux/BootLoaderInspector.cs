using System.Globalization;
using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Linux;

/// <summary>
/// Finds every GRUB configuration of a Linux root (spec §4.4: GRUB legacy or GRUB 2; §5.1 item 2: duplicates
/// are refused), BLS entries, grubenv, and works out the default entry and the kernel it boots.
/// </summary>
public static class BootLoaderInspector
{
    private const int MaxConfigBytes = 4 << 20;
    private const int MaxBlsEntries = 1_000;

    private static readonly string[] Grub2Paths = ["/boot/grub2/grub.cfg", "/boot/grub/grub.cfg"];
    private static readonly string[] LegacyPaths = ["/boot/grub/menu.lst", "/boot/grub/grub.conf", "/etc/grub.conf"];

    public static async ValueTask<LinuxBootLoader> InspectAsync(GuestFiles root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var notes = new List<string>();
        var configurations = new List<GrubConfiguration>();
        foreach (var path in Grub2Paths)
        {
            await AddAsync(path, GrubFlavor.Grub2).ConfigureAwait(false);
        }

        var espDirectories = new List<string>();
        await foreach (var entry in root.ListAsync("/boot/efi/EFI", cancellationToken).ConfigureAwait(false))
        {
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                espDirectories.Add("/boot/efi/EFI/" + entry.Name);
            }
        }

        espDirectories.Sort(StringComparer.Ordinal);
        foreach (var directory in espDirectories)
        {
            await AddAsync(directory + "/grub.cfg", GrubFlavor.Grub2).ConfigureAwait(false);
            await AddAsync(directory + "/grub.conf", GrubFlavor.Legacy).ConfigureAwait(false);
        }

        foreach (var path in LegacyPaths)
        {
            await AddAsync(path, GrubFlavor.Legacy).ConfigureAwait(false);
        }

        var primary = configurations.FirstOrDefault(configuration => !configuration.IsStub);
        var environment = await ReadEnvironmentAsync(root, primary, cancellationToken).ConfigureAwait(false);
        var blsEntries = primary?.UsesBlscfg == true ? await ReadBlsEntriesAsync(root, notes, cancellationToken).ConfigureAwait(false) : [];
        var (defaultEntry, source) = primary is null
            ? (null, DefaultEntrySource.None)
            : await ChooseDefaultAsync(root, primary, environment, blsEntries, notes, cancellationToken).ConfigureAwait(false);
        var (kernelPath, kernelExists) = await ResolveBootPathAsync(root, defaultEntry?.KernelPath, cancellationToken).ConfigureAwait(false);

        var bios = await AnyDirectoryAsync(root, ["/boot/grub2/i386-pc", "/boot/grub/i386-pc"], cancellationToken).ConfigureAwait(false);
        var efi = await AnyDirectoryAsync(root, ["/boot/grub2/x86_64-efi", "/boot/grub/x86_64-efi"], cancellationToken).ConfigureAwait(false);
        foreach (var directory in espDirectories)
        {
            efi |= await root.ExistsAsync(directory + "/grubx64.efi", cancellationToken).ConfigureAwait(false)
                || await root.ExistsAsync(directory + "/shimx64.efi", cancellationToken).ConfigureAwait(false);
        }

        var fallback = await root.ExistsAsync("/boot/efi/EFI/BOOT/BOOTX64.EFI", cancellationToken).ConfigureAwait(false)
            || await root.ExistsAsync("/boot/efi/EFI/boot/bootx64.efi", cancellationToken).ConfigureAwait(false);
        return new LinuxBootLoader(configurations, primary, environment, blsEntries, defaultEntry, source, kernelPath, kernelExists, bios, efi, fallback, notes);

        async ValueTask AddAsync(string path, GrubFlavor flavor)
        {
            string? text;
            try
            {
                text = await root.ReadAllTextAsync(path, MaxConfigBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (GuestFileTooLargeException)
            {
                notes.Add($"{path} is larger than {MaxConfigBytes} bytes: not read.");
                return;
            }

            if (text is not null)
            {
                try
                {
                    configurations.Add(flavor == GrubFlavor.Grub2 ? Grub2ConfigParser.Parse(path, text) : GrubLegacyConfigParser.Parse(path, text));
                }
                catch (InvalidDataException error)
                {
                    notes.Add(error.Message);
                }
            }
        }
    }

    private static async ValueTask<GrubEnvironment?> ReadEnvironmentAsync(GuestFiles root, GrubConfiguration? primary, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (primary is not null)
        {
            candidates.Add(primary.Path[..primary.Path.LastIndexOf('/')] + "/grubenv");
        }

        candidates.AddRange(["/boot/grub2/grubenv", "/boot/grub/grubenv"]);
        foreach (var path in candidates.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (await root.ReadAllTextAsync(path, 64 * 1024, cancellationToken).ConfigureAwait(false) is { } text)
                {
                    return GrubEnvironment.Parse(path, text);
                }
            }
            catch (GuestFileTooLargeException)
            {
                // A grubenv is 1 KiB; a larger file is not one.
            }
        }

        return null;
    }

    private static async ValueTask<IReadOnlyList<GrubMenuEntry>> ReadBlsEntriesAsync(GuestFiles root, List<string> notes, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var entry in root.ListAsync("/boot/loader/entries", cancellationToken).ConfigureAwait(false))
        {
            if (entry.Name.EndsWith(".conf", StringComparison.Ordinal) && names.Count < MaxBlsEntries)
            {
                names.Add(entry.Name);
            }
        }

        var entries = new List<GrubMenuEntry>();
        foreach (var name in names)
        {
            var path = "/boot/loader/entries/" + name;
            try
            {
                if (await root.ReadAllTextAsync(path, 64 * 1024, cancellationToken).ConfigureAwait(false) is { } text)
                {
                    entries.Add(BlsEntryParser.Parse(path, text));
                }
            }
            catch (GuestFileTooLargeException)
            {
                notes.Add($"{path} is too large for a BLS entry: ignored.");
            }
        }

        // blscfg lists the newest first: by version (rpm order), then by id.
        entries.Sort((a, b) =>
        {
            var byVersion = RpmVersionComparer.Instance.Compare(b.Version ?? b.BlsId, a.Version ?? a.BlsId);
            return byVersion != 0 ? byVersion : RpmVersionComparer.Instance.Compare(b.BlsId, a.BlsId);
        });
        return [.. entries.Select((entry, index) => entry with { IndexPath = index.ToString(CultureInfo.InvariantCulture) })];
    }

    private static async ValueTask<(GrubMenuEntry? Entry, DefaultEntrySource Source)> ChooseDefaultAsync(
        GuestFiles root, GrubConfiguration primary, GrubEnvironment? environment, IReadOnlyList<GrubMenuEntry> blsEntries, List<string> notes, CancellationToken cancellationToken)
    {
        var menu = primary.UsesBlscfg ? [.. blsEntries, .. primary.Entries] : primary.Entries;
        var setting = primary.DefaultSetting;
        var source = DefaultEntrySource.Configuration;
        if (primary.DefaultIsSavedEntry)
        {
            source = DefaultEntrySource.SavedEntry;
            setting = primary.Flavor == GrubFlavor.Legacy
                ? await ReadLegacySavedDefaultAsync(root, cancellationToken).ConfigureAwait(false)
                : environment?.SavedEntry;
            if (setting is null)
            {
                notes.Add(primary.Flavor == GrubFlavor.Legacy ? "default saved, but /boot/grub/default holds no entry number." : "default is $saved_entry, but grubenv holds no saved_entry.");
            }
        }

        if (setting is not null && Match(menu, setting) is { } match)
        {
            return (match, source);
        }

        if (setting is not null)
        {
            notes.Add($"The default \"{setting}\" names no menu entry.");
        }

        if (primary.UsesBlscfg && blsEntries.Count > 0)
        {
            return (blsEntries[0], DefaultEntrySource.NewestBlsEntry);
        }

        return menu.Count > 0 ? (menu[0], DefaultEntrySource.FirstEntry) : (null, DefaultEntrySource.None);
    }

    /// <summary>The entry a GRUB default names: an index, title or id per level, levels joined by '>'; a BLS id.</summary>
    private static GrubMenuEntry? Match(IReadOnlyList<GrubMenuEntry> menu, string setting)
    {
        if (menu.FirstOrDefault(entry => entry.BlsId == setting) is { } bls)
        {
            return bls;
        }

        var wanted = setting.Split('>');
        foreach (var entry in menu)
        {
            var titles = entry.TitlePath.Split('>');
            var indexes = entry.IndexPath.Split('>');
            var ids = entry.IdPath?.Split('>');
            if (titles.Length != wanted.Length || indexes.Length != wanted.Length)
            {
                // A title holding '>' would break the split; fall back to the whole-path comparisons below.
                if (entry.TitlePath == setting || entry.IdPath == setting)
                {
                    return entry;
                }

                continue;
            }

            var all = true;
            for (var level = 0; level < wanted.Length && all; level++)
            {
                all = wanted[level] == titles[level] || wanted[level] == indexes[level] || (ids is not null && ids.Length == wanted.Length && wanted[level] == ids[level]);
            }

            if (all)
            {
                return entry;
            }
        }

        return null;
    }

    private static async ValueTask<string?> ReadLegacySavedDefaultAsync(GuestFiles root, CancellationToken cancellationToken)
    {
        try
        {
            var text = await root.ReadAllTextAsync("/boot/grub/default", 64 * 1024, cancellationToken).ConfigureAwait(false);
            var first = text?.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0 && line[0] != '#');
            return first is not null && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? first : null;
        }
        catch (GuestFileTooLargeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The guest path of a kernel or initrd path as GRUB sees it: "(hd0,1)" or "($root)" prefixes dropped, and
    /// "/vmlinuz-..." tried under /boot too, since GRUB reads it from a separate /boot partition's root.
    /// </summary>
    public static async ValueTask<(string? Path, bool Exists)> ResolveBootPathAsync(GuestFiles root, string? grubPath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (grubPath is null)
        {
            return (null, false);
        }

        var path = grubPath;
        if (path.StartsWith('(') && path.IndexOf(')', StringComparison.Ordinal) is var close and > 0)
        {
            path = path[(close + 1)..];
        }

        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        if (await root.ExistsAsync(path, cancellationToken).ConfigureAwait(false))
        {
            return (path, true);
        }

        var underBoot = "/boot" + path;
        return await root.ExistsAsync(underBoot, cancellationToken).ConfigureAwait(false) ? (underBoot, true) : (path, false);
    }

    private static async ValueTask<bool> AnyDirectoryAsync(GuestFiles root, string[] paths, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            if (await root.FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false) is { Kind: GuestNodeKind.Directory })
            {
                return true;
            }
        }

        return false;
    }
}
