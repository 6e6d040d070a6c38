namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>A file, directory or link of an XFS volume: its inode, as read when it was found.</summary>
public sealed class XfsNode : GuestNode
{
    internal XfsNode(XfsFileSystem owner, XfsInode inode)
    {
        Owner = owner;
        Inode = inode;
    }

    public ulong InodeNumber => Inode.Number;

    public override GuestNodeKind Kind => Inode.Kind;

    public override long Size => Inode.Size;

    public override uint? Mode => Inode.Mode;

    public override DateTimeOffset? ModifiedTime => Inode.ModifiedTime;

    internal XfsFileSystem Owner { get; }

    internal XfsInode Inode { get; }
}
