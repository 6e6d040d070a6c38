using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// Byte reads of an NTFS volume, checked against its clusters, and its MFT: records are read through
/// $MFT's own $DATA runlist (record 0, found from the boot sector), fixed up, parsed and cached within a bound.
/// </summary>
internal sealed class NtfsVolume
{
    private const int RecordCacheCapacity = 4096;
    private const int FileCacheCapacity = 4096;

    private readonly IBlockSource _source;
    private readonly LruCache<long, NtfsFileRecord> _records = new(RecordCacheCapacity);
    private readonly LruCache<long, NtfsFile> _files = new(FileCacheCapacity);
    private NtfsStream? _mft;

    public NtfsVolume(IBlockSource source, NtfsBootSector boot)
    {
        _source = source;
        Boot = boot;
    }

    public NtfsBootSector Boot { get; }

    public int ClusterSize => Boot.ClusterSize;

    public long ClusterCount => Boot.ClusterCount;

    public NtfsUpCase? UpCase { get; set; }

    public LruCache<(long Directory, long Vcn), NtfsIndexNode> IndexNodes { get; } = new(1024);

    public async ValueTask LoadMftAsync(CancellationToken cancellationToken)
    {
        var raw = new byte[Boot.FileRecordSize];
        await ReadAsync(Boot.MftLcn * ClusterSize, raw, "$MFT record 0", cancellationToken).ConfigureAwait(false);
        var record = NtfsFileRecord.Parse(raw, 0, ClusterCount);
        var extents = record.Attributes.Where(a => a.Type == NtfsAttributeType.Data && a.Name.Length == 0).ToList();
        if (extents.Count == 0 || extents[0].IsResident)
        {
            throw new CorruptFileSystemException("NTFS $MFT record 0 has no non-resident $DATA.");
        }

        // The extents in record 0 map at least the records an $ATTRIBUTE_LIST points to; then the whole $MFT.
        _mft = NtfsStream.Create(extents.Where(e => e.LowestVcn == 0).ToList(), ClusterSize, "$MFT", partial: true);
        if (record.Attributes.Any(a => a.Type == NtfsAttributeType.AttributeList))
        {
            var file = await NtfsFile.LoadAsync(this, 0, cancellationToken).ConfigureAwait(false);
            _mft = file.Stream(NtfsAttributeType.Data, "") ?? throw new CorruptFileSystemException("NTFS $MFT lost its $DATA.");
        }
    }

    public async ValueTask<NtfsFileRecord> ReadRecordAsync(long number, CancellationToken cancellationToken)
    {
        if (_records.TryGet(number, out var cached))
        {
            return cached;
        }

        var mft = _mft ?? throw new InvalidOperationException("The $MFT is not loaded.");
        var size = Boot.FileRecordSize;
        if (number < 0 || number >= mft.Length / size)
        {
            throw new CorruptFileSystemException($"NTFS MFT record {number} lies past the $MFT's {mft.Length / size} records.");
        }

        var raw = new byte[size];
        if (await mft.ReadAsync(this, number * size, raw, cancellationToken).ConfigureAwait(false) != size)
        {
            throw new CorruptFileSystemException($"NTFS MFT record {number} is cut short.");
        }

        var record = NtfsFileRecord.Parse(raw, number, ClusterCount);
        _records.Add(number, record);
        return record;
    }

    public async ValueTask<NtfsFile> LoadFileAsync(long number, CancellationToken cancellationToken)
    {
        if (_files.TryGet(number, out var cached))
        {
            return cached;
        }

        var file = await NtfsFile.LoadAsync(this, number, cancellationToken).ConfigureAwait(false);
        _files.Add(number, file);
        return file;
    }

    public async ValueTask ReadAsync(long offset, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset > (ClusterCount * ClusterSize) - buffer.Length)
        {
            throw new CorruptFileSystemException($"NTFS {what}: bytes [{offset}, +{buffer.Length}) lie outside the volume.");
        }

        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await _source.ReadAtAsync(offset + filled, buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException($"NTFS {what}: the volume ends at byte {offset + filled}, inside the file system.");
            }

            filled += read;
        }
    }

    public void ClearCaches()
    {
        _records.Clear();
        _files.Clear();
        IndexNodes.Clear();
    }
}
