namespace Vmie.Guest.FileSystems;

/// <summary>
/// A read-only file system found on a guest volume (ext4, XFS, Btrfs, NTFS, FAT...). Readers implement
/// these node-level operations only; paths, symbolic links and limits are handled once, by
/// <see cref="GuestFiles"/>. Every structure is checked before use: a damaged or hostile volume gives a
/// <see cref="CorruptFileSystemException"/>, never a hang or an unbounded allocation.
/// </summary>
public interface IGuestFileSystem : IAsyncDisposable
{
    /// <summary>The type as Linux names it: ext2, ext3, ext4, xfs, btrfs, ntfs, vfat, jfs.</summary>
    string Type { get; }

    /// <summary>The volume label, if any.</summary>
    string? Label { get; }

    /// <summary>The file system's UUID as /etc/fstab's UUID= names it (NTFS and FAT serial numbers in their usual form).</summary>
    string? Uuid { get; }

    /// <summary>True when names match without regard to case (NTFS, FAT).</summary>
    bool IsCaseInsensitive { get; }

    GuestNode Root { get; }

    /// <summary>The entry named <paramref name="name"/> in <paramref name="directory"/>, or null.</summary>
    ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default);

    /// <summary>The directory's entries, without "." and "..".</summary>
    IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, CancellationToken cancellationToken = default);

    /// <summary>Reads file data at <paramref name="offset"/>; fewer bytes only at the end of the file.</summary>
    ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>A symbolic link's target, as stored.</summary>
    ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default);
}
