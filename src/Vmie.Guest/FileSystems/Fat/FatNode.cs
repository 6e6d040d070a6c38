namespace Vmie.Guest.FileSystems.Fat;

/// <summary>A file or directory of a FAT volume: its directory entry, and its cluster chain once read.</summary>
public sealed class FatNode : GuestNode
{
    internal FatNode(FatFileSystem owner, FatDirectoryRecord record, FatClusterChain? chain)
    {
        Owner = owner;
        Record = record;
        Chain = chain;
    }

    public override GuestNodeKind Kind => Record.IsDirectory ? GuestNodeKind.Directory : GuestNodeKind.File;

    public override long Size => Record.IsDirectory ? 0 : Record.Size;

    public override DateTimeOffset? ModifiedTime => Record.ModifiedTime;

    /// <summary>The DOS attribute bits (read-only 0x01, hidden 0x02, system 0x04, directory 0x10, archive 0x20).</summary>
    public byte Attributes => Record.Attributes;

    /// <summary>The 8.3 name as stored (case bits applied), even when a long name is shown.</summary>
    public string ShortName => Record.ShortName;

    public uint FirstCluster => Record.FirstCluster;

    internal FatFileSystem Owner { get; }

    internal FatDirectoryRecord Record { get; }

    /// <summary>Null for the FAT12/16 root directory (a fixed region) and for files without clusters.</summary>
    internal FatClusterChain? Chain { get; }
}
