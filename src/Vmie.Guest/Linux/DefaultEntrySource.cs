namespace Vmie.Guest.Linux;

/// <summary>How the default boot entry was found.</summary>
public enum DefaultEntrySource
{
    /// <summary>No entry at all.</summary>
    None,

    /// <summary>The configuration names it ("set default=2", "default 0", a title or an id).</summary>
    Configuration,

    /// <summary>grubenv's saved_entry (or GRUB legacy's /boot/grub/default) names it.</summary>
    SavedEntry,

    /// <summary>Nothing names a default (or the name matches no entry): GRUB boots the first entry.</summary>
    FirstEntry,

    /// <summary>BLS entries with no usable default: the newest version is assumed, as GRUB's blscfg lists it first.</summary>
    NewestBlsEntry,
}
