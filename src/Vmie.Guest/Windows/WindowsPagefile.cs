namespace Vmie.Guest.Windows;

/// <summary>
/// The paging file configuration: SYSTEM\ControlSetNNN\Control\Session Manager\Memory Management, PagingFiles
/// (REG_MULTI_SZ). Each line is "PATH [INITIAL_MB MAXIMUM_MB]"; a path "?:\pagefile.sys" means "automatically
/// manage paging file size for all drives", and sizes 0 0 (or none) mean "system managed size" for that file.
/// Spec §5.3.1 asks for a fixed size: an automatic pagefile can grow to 16 GB on the instance's C: drive.
/// </summary>
public sealed record WindowsPagefile(IReadOnlyList<WindowsPagefileEntry> Entries)
{
    /// <summary>No paging file at all (an empty PagingFiles).</summary>
    public bool IsDisabled => Entries.Count == 0;

    /// <summary>True when Windows chooses a size or a drive for some paging file.</summary>
    public bool IsSystemManaged => Entries.Any(entry => entry.IsAutomaticDrive || entry.MaximumMegabytes is null or 0);

    /// <summary>Every paging file has fixed, non-zero sizes on a named drive.</summary>
    public bool IsFixed => !IsDisabled && !IsSystemManaged;

    public static WindowsPagefile Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var entries = new List<WindowsPagefileEntry>();
        foreach (var line in lines)
        {
            if (WindowsPagefileEntry.Parse(line) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return new WindowsPagefile(entries);
    }
}
