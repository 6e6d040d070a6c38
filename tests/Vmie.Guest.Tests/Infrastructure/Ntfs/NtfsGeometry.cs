namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// The sizes the writer uses: 512-byte sectors, 4 KiB clusters, 1 KiB FILE records, 4 KiB INDX blocks (one
/// cluster, so an index block's VCN is its number). The boot sector counts every sector but the last, which holds
/// the backup boot sector; clusters cover whole clusters of the counted sectors.
/// </summary>
internal sealed record NtfsGeometry(long VolumeSize)
{
    public int SectorSize => 512;

    public int ClusterSize => 4096;

    public int RecordSize => 1024;

    public int IndexBlockSize => 4096;

    public long TotalSectors => (VolumeSize / SectorSize) - 1;

    public long ClusterCount => TotalSectors * SectorSize / ClusterSize;

    public long Clusters(long bytes) => (bytes + ClusterSize - 1) / ClusterSize;
}
