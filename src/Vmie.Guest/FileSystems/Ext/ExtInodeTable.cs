using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// Finds inodes: the group descriptor table (ext4 disk layout, "Block Group Descriptors": 32-byte entries,
/// or s_desc_size bytes with 64bit; with meta_bg, each meta group's descriptor block sits at the start of
/// its first group) gives each group's inode table, and the inode is the ((n - 1) mod inodes per group)th
/// record of it ("Finding an Inode").
/// </summary>
internal sealed class ExtInodeTable(ExtVolume volume)
{
    private const int InodeTableLoOffset = 0x08;
    private const int InodeTableHiOffset = 0x28;

    public async ValueTask<ExtInode> ReadAsync(uint number, CancellationToken cancellationToken)
    {
        var sb = volume.Superblock;
        if (number == 0 || number > sb.InodesCount)
        {
            throw new CorruptFileSystemException($"ext inode number {number} is outside 1..{sb.InodesCount}.");
        }

        var group = (number - 1) / sb.InodesPerGroup;
        var index = (number - 1) % sb.InodesPerGroup;
        var table = await InodeTableBlockAsync(group, cancellationToken).ConfigureAwait(false);
        var byteOffset = (ulong)index * (ulong)sb.InodeSize;
        var block = await volume.ReadBlockAsync(table + (byteOffset / (ulong)sb.BlockSize), "inode table", cancellationToken).ConfigureAwait(false);
        var record = block.AsSpan((int)(byteOffset % (ulong)sb.BlockSize), sb.InodeSize);
        return ExtInode.Parse(number, record, sb);
    }

    private async ValueTask<ulong> InodeTableBlockAsync(uint group, CancellationToken cancellationToken)
    {
        var sb = volume.Superblock;
        if (group >= sb.GroupCount)
        {
            throw new CorruptFileSystemException($"ext block group {group} is outside the file system's {sb.GroupCount} groups.");
        }

        var perBlock = (uint)(sb.BlockSize / sb.DescriptorSize);
        var descriptorBlock = group / perBlock;
        ulong location;
        if (sb.Incompat.HasFlag(ExtIncompatFeatures.MetaBlockGroups) && descriptorBlock >= sb.FirstMetaBlockGroup)
        {
            var firstGroup = (ulong)descriptorBlock * perBlock;
            location = sb.FirstDataBlock + (firstGroup * sb.BlocksPerGroup) + (sb.GroupHasSuperblock((uint)firstGroup) ? 1UL : 0UL);
        }
        else
        {
            location = sb.FirstDataBlock + 1UL + descriptorBlock;
        }

        var block = await volume.ReadBlockAsync(location, "group descriptors", cancellationToken).ConfigureAwait(false);
        var descriptor = block.AsSpan((int)(group % perBlock) * sb.DescriptorSize, sb.DescriptorSize);
        ulong table = BinaryPrimitives.ReadUInt32LittleEndian(descriptor[InodeTableLoOffset..]);
        if (sb.DescriptorSize >= 64)
        {
            table |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(descriptor[InodeTableHiOffset..]) << 32;
        }

        var tableBlocks = (((ulong)sb.InodesPerGroup * (ulong)sb.InodeSize) + (ulong)sb.BlockSize - 1) / (ulong)sb.BlockSize;
        volume.CheckRange(table, tableBlocks, $"inode table of group {group}");
        return table;
    }
}
