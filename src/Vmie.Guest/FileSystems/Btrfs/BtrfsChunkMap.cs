namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// Logical to physical addresses for a single device (Btrfs on-disk format, "Chunk tree"): first from the
/// superblock's system chunk array, then from the chunk tree it makes readable. Immutable once built.
/// </summary>
internal sealed class BtrfsChunkMap
{
    /// <summary>One chunk per GiB is the usual density: a million chunks is far more than any real volume holds.</summary>
    public const int MaxChunks = 1 << 20;

    private readonly BtrfsChunk[] _chunks;

    public BtrfsChunkMap(IEnumerable<BtrfsChunk> chunks)
    {
        _chunks = [.. chunks.OrderBy(c => c.Logical)];
        for (var i = 1; i < _chunks.Length; i++)
        {
            if (_chunks[i].Logical < _chunks[i - 1].Logical + _chunks[i - 1].Length)
            {
                throw new CorruptFileSystemException($"Btrfs chunks at logical {_chunks[i - 1].Logical} and {_chunks[i].Logical} overlap.");
            }
        }
    }

    public int Count => _chunks.Length;

    /// <summary>The chunks of the superblock's system chunk array: enough to read the chunk tree.</summary>
    public static BtrfsChunkMap FromSystemArray(BtrfsSuperblock superblock, long volumeLength)
    {
        var array = superblock.SysChunkArray.AsSpan();
        var chunks = new List<BtrfsChunk>();
        while (!array.IsEmpty)
        {
            if (array.Length < BtrfsKey.Size)
            {
                throw new CorruptFileSystemException("Btrfs system chunk array ends inside a key.");
            }

            var key = BtrfsKey.Read(array);
            array = array[BtrfsKey.Size..];
            var size = BtrfsChunk.ItemSize(array);
            if (size > array.Length)
            {
                throw new CorruptFileSystemException("Btrfs system chunk array ends inside a chunk item.");
            }

            chunks.Add(BtrfsChunk.Parse(key, array[..size], superblock.DeviceId, volumeLength, superblock.SectorSize));
            array = array[size..];
        }

        if (chunks.Count == 0)
        {
            throw new CorruptFileSystemException("Btrfs system chunk array is empty.");
        }

        return new BtrfsChunkMap(chunks);
    }

    /// <summary>The device byte for <paramref name="logical"/> and how many bytes from there stay contiguous.</summary>
    public (long Physical, ulong Contiguous) Map(ulong logical, string what)
    {
        int low = 0, high = _chunks.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var chunk = _chunks[middle];
            if (logical < chunk.Logical)
            {
                high = middle - 1;
            }
            else if (logical - chunk.Logical >= chunk.Length)
            {
                low = middle + 1;
            }
            else
            {
                if (chunk.IsRaid)
                {
                    throw new BtrfsNotSupportedException($"Btrfs {what} at logical {logical} lies in a {chunk.Profile} chunk; vmie reads single and DUP chunks only.");
                }

                var inChunk = logical - chunk.Logical;
                return ((long)(chunk.Physical + inChunk), chunk.Length - inChunk);
            }
        }

        throw new CorruptFileSystemException($"Btrfs {what}: logical address {logical} lies in no chunk.");
    }
}
