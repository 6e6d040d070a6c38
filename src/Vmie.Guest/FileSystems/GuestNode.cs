namespace Vmie.Guest.FileSystems;

/// <summary>What a directory entry is.</summary>
public enum GuestNodeKind
{
    File,
    Directory,
    Symlink,

    /// <summary>A device, socket or FIFO: it exists, but holds no data to read.</summary>
    Other,
}

/// <summary>
/// A file, directory or link found by a file system reader. Each reader subclasses it with what it needs to
/// find the object's data again (an inode, an MFT record, a directory cluster...), and accepts only its own.
/// </summary>
public abstract class GuestNode
{
    public abstract GuestNodeKind Kind { get; }

    /// <summary>Length of the file's data, or of the link's target text; 0 for a directory when unknown.</summary>
    public abstract long Size { get; }

    /// <summary>POSIX permission and type bits where the file system keeps them, else null.</summary>
    public virtual uint? Mode => null;

    public virtual DateTimeOffset? ModifiedTime => null;
}
