namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>A file, directory or link of an NTFS volume: its MFT record's attributes, as read when it was found.</summary>
public sealed class NtfsNode : GuestNode
{
    private readonly Lazy<NtfsStream?> _data;

    internal NtfsNode(NtfsFileSystem owner, NtfsFile file, GuestNodeKind kind, string? linkTarget)
    {
        Owner = owner;
        File = file;
        Kind = kind;
        LinkTarget = linkTarget;
        _data = new Lazy<NtfsStream?>(() => file.Stream(NtfsAttributeType.Data, ""));
    }

    public long RecordNumber => File.Number;

    public override GuestNodeKind Kind { get; }

    public override long Size => Kind switch
    {
        GuestNodeKind.File => Data?.Length ?? 0,
        GuestNodeKind.Symlink => System.Text.Encoding.UTF8.GetByteCount(LinkTarget!),
        _ => 0,
    };

    public override DateTimeOffset? ModifiedTime => File.ModifiedTime;

    /// <summary>The reparse tag when the file is a reparse point (symbolic link, junction, or another kind), else null.</summary>
    public uint? ReparseTag => File.ReparsePoint?.Tag;

    internal NtfsFileSystem Owner { get; }

    internal NtfsFile File { get; }

    internal string? LinkTarget { get; }

    internal NtfsStream? Data => _data.Value;
}
