using Vmie.Disks.Abstractions;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// Reads a disk's partition table. Sector 0 is an MBR when it has 0x55AA, status bytes 0x00/0x80 only and is
/// not the boot sector of a whole-disk FAT/NTFS file system. GPT when that MBR has a 0xEE entry, or when there
/// is no MBR with partitions and LBA 1 (of 512- or 4096-byte sectors) has a GPT signature; else MBR; else none.
/// </summary>
public static class PartitionTableReader
{
    /// <summary>Reads the table. A GPT whose primary and backup headers are both damaged gives <see cref="CorruptVolumeException"/>.</summary>
    public static async ValueTask<PartitionTable> ReadAsync(IBlockSource disk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        if (disk.Length < MbrSector.Size)
        {
            return Empty();
        }

        var sector0 = await BlockReads.ReadAsync(disk, 0, MbrSector.Size, cancellationToken).ConfigureAwait(false);
        var mbr = MbrSector.Parse(sector0);
        var mbrIsTable = mbr.HasSignature && mbr.HasValidStatusBytes && !IsBootSectorFileSystem(VolumeContentProbe.Probe(sector0));

        // Like Linux, a GPT counts when the MBR protects it; a GPT signature behind an MBR with ordinary
        // partitions is a leftover. Without any MBR, a GPT signature at LBA 1 still identifies the disk.
        if (mbrIsTable && mbr.HasGptProtectiveEntry)
        {
            return await GptPartitionReader.ReadAsync(disk, mbr, cancellationToken).ConfigureAwait(false);
        }

        var mbrHasPartitions = mbrIsTable && mbr.Entries.Any(e => !e.IsEmpty);
        if (!mbrHasPartitions && await GptPartitionReader.HasPrimarySignatureAsync(disk, cancellationToken).ConfigureAwait(false))
        {
            return await GptPartitionReader.ReadAsync(disk, mbr, cancellationToken).ConfigureAwait(false);
        }

        if (!mbrIsTable)
        {
            return Empty();
        }

        return await MbrPartitionReader.ReadAsync(disk, mbr, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsBootSectorFileSystem(VolumeContent content) => content.Kind is VolumeContentKind.Ntfs or VolumeContentKind.ExFat
        or VolumeContentKind.Fat12 or VolumeContentKind.Fat16 or VolumeContentKind.Fat32 or VolumeContentKind.BitLocker;

    private static PartitionTable Empty() => new() { Kind = PartitionTableKind.None, Partitions = [], Warnings = [] };
}
