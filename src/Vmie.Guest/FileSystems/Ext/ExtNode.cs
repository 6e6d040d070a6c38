namespace Vmie.Guest.FileSystems.Ext;

/// <summary>A file, directory or link of an ext volume: its inode, as read when it was found.</summary>
public sealed class ExtNode : GuestNode
{
    internal ExtNode(ExtFileSystem owner, ExtInode inode)
    {
        Owner = owner;
        Inode = inode;
    }

    public uint InodeNumber => Inode.Number;

    public override GuestNodeKind Kind => Inode.Kind;

    public override long Size => Inode.Size;

    public override uint? Mode => Inode.Mode;

    public override DateTimeOffset? ModifiedTime => Inode.ModifiedTime;

    internal ExtFileSystem Owner { get; }

    internal ExtInode Inode { get; }
}
