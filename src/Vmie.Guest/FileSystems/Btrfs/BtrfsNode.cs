namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>A file, directory or link of a Btrfs volume: its subvolume's tree and its inode, as read when it was found.</summary>
public sealed class BtrfsNode : GuestNode
{
    internal BtrfsNode(BtrfsFileSystem owner, BtrfsTreeRoot tree, BtrfsInode inode)
    {
        Owner = owner;
        Tree = tree;
        Inode = inode;
    }

    /// <summary>The subvolume (tree id) holding the inode: 5 for the top level.</summary>
    public ulong SubvolumeId => Tree.Id;

    public ulong InodeNumber => Inode.Number;

    public override GuestNodeKind Kind => Inode.Kind;

    public override long Size => Inode.Size;

    public override uint? Mode => Inode.Mode;

    public override DateTimeOffset? ModifiedTime => Inode.ModifiedTime;

    internal BtrfsFileSystem Owner { get; }

    internal BtrfsTreeRoot Tree { get; }

    internal BtrfsInode Inode { get; }
}
