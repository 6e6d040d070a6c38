using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// The grain directory and its grain tables ("Virtual Disk Format 5.0", "Grain Directory and Grain Table"):
/// the directory holds the sector of each grain table (0 = none), each table the sector of each grain
/// (0 = not allocated; 1 = zeroed grain when the header's zeroed-grain flag is set).
/// The directory is always in memory (its size is checked first). The tables are loaded and checked at open
/// when together they fit <see cref="DiskImageLimits.MaxInMemoryTableBytes"/>; otherwise each lookup reads its
/// entry from the file and checks it then. Immutable after construction, so lookups are thread-safe.
/// </summary>
internal sealed class GrainDirectory
{
    public const uint ZeroedGrain = 1;

    private readonly IBlockSource _source;
    private readonly SparseExtentHeader _header;
    private readonly uint[] _tableSectors;
    private readonly uint[]?[]? _tables;
    private readonly ulong _firstGrainSector;

    private GrainDirectory(IBlockSource source, SparseExtentHeader header, uint[] tableSectors, uint[]?[]? tables, ulong firstGrainSector)
    {
        _source = source;
        _header = header;
        _tableSectors = tableSectors;
        _tables = tables;
        _firstGrainSector = firstGrainSector;
    }

    public int TableCount => _tableSectors.Length;

    /// <summary>
    /// Reads and checks the directory at <paramref name="directorySector"/> and, when they fit in
    /// <paramref name="tableMemoryLimit"/> bytes, all its tables.
    /// </summary>
    public static async Task<GrainDirectory> LoadAsync(IBlockSource source, SparseExtentHeader header, ulong directorySector, string which, long tableMemoryLimit, CancellationToken cancellationToken)
    {
        var entries = header.DirectoryEntries;
        var directoryBytes = entries * sizeof(uint);
        if (directoryBytes > DiskImageLimits.MaxInMemoryTableBytes)
        {
            throw new InvalidDiskImageException($"The VMDK {which} grain directory would hold {entries} entries; at most {DiskImageLimits.MaxInMemoryTableBytes / sizeof(uint)} are accepted.");
        }

        var directoryOffset = CheckedRange(source, directorySector, directoryBytes, $"{which} grain directory");
        var raw = new byte[directoryBytes];
        await ReadExactlyAsync(source, directoryOffset, raw, $"{which} grain directory", cancellationToken).ConfigureAwait(false);
        var tableSectors = new uint[entries];
        for (var i = 0; i < tableSectors.Length; i++)
        {
            tableSectors[i] = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(i * sizeof(uint)));
        }

        var tableBytes = (long)header.GrainTableEntries * sizeof(uint);
        CheckTablePlacement(source, tableSectors, tableBytes, directoryOffset, directoryBytes, which);

        // Grains live after the header and the embedded descriptor.
        var firstGrainSector = Math.Max(1, header.DescriptorOffset + header.DescriptorSectors);
        var present = tableSectors.LongCount(sector => sector != 0);
        uint[]?[]? tables = null;
        if (present * tableBytes <= tableMemoryLimit)
        {
            // Memory here is bounded by the file too: the tables were checked to lie inside it without overlapping.
            tables = new uint[]?[tableSectors.Length];
            var buffer = new byte[tableBytes];
            for (var t = 0; t < tableSectors.Length; t++)
            {
                if (tableSectors[t] == 0)
                {
                    continue;
                }

                await ReadExactlyAsync(source, (long)tableSectors[t] * SparseExtentHeader.SectorSize, buffer, $"{which} grain table {t}", cancellationToken).ConfigureAwait(false);
                var table = new uint[header.GrainTableEntries];
                for (var e = 0; e < table.Length; e++)
                {
                    table[e] = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(e * sizeof(uint)));
                    CheckGrainEntry(source, header, firstGrainSector, table[e], (long)t * header.GrainTableEntries + e);
                }

                tables[t] = table;
            }
        }

        return new GrainDirectory(source, header, tableSectors, tables, firstGrainSector);
    }

    /// <summary>The table entry of <paramref name="grain"/>: 0 (unallocated), <see cref="ZeroedGrain"/> or a checked grain sector.</summary>
    public async ValueTask<uint> GetEntryAsync(long grain, CancellationToken cancellationToken)
    {
        var t = (int)(grain / _header.GrainTableEntries);
        var e = (int)(grain % _header.GrainTableEntries);
        if (_tables is not null)
        {
            return _tables[t] is { } table ? table[e] : 0;
        }

        if (_tableSectors[t] == 0)
        {
            return 0;
        }

        var bytes = new byte[sizeof(uint)];
        var offset = ((long)_tableSectors[t] * SparseExtentHeader.SectorSize) + ((long)e * sizeof(uint));
        await ReadExactlyAsync(_source, offset, bytes, $"grain table {t}", cancellationToken).ConfigureAwait(false);
        var entry = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        CheckGrainEntry(_source, _header, _firstGrainSector, entry, grain);
        return entry;
    }

    /// <summary>All entries of table <paramref name="index"/>, or null when the directory has none there.</summary>
    public async ValueTask<uint[]?> GetTableAsync(int index, CancellationToken cancellationToken)
    {
        if (_tables is not null)
        {
            return _tables[index];
        }

        if (_tableSectors[index] == 0)
        {
            return null;
        }

        var buffer = new byte[_header.GrainTableEntries * sizeof(uint)];
        await ReadExactlyAsync(_source, (long)_tableSectors[index] * SparseExtentHeader.SectorSize, buffer, $"grain table {index}", cancellationToken).ConfigureAwait(false);
        var table = new uint[_header.GrainTableEntries];
        for (var e = 0; e < table.Length; e++)
        {
            table[e] = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(e * sizeof(uint)));
            CheckGrainEntry(_source, _header, _firstGrainSector, table[e], ((long)index * _header.GrainTableEntries) + e);
        }

        return table;
    }

    /// <summary>True when the entry points at grain data in the file (not unallocated, not a zeroed grain).</summary>
    public bool HoldsData(uint entry) => entry != 0 && !(entry == ZeroedGrain && _header.HasZeroedGrainEntries);

    internal static async ValueTask ReadExactlyAsync(IBlockSource source, long offset, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var read = await source.ReadAtAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        if (read != buffer.Length)
        {
            throw new InvalidDiskImageException($"The VMDK file is truncated: its {what} at byte {offset} ends past the end of the file ({source.Length} bytes).");
        }
    }

    private static long CheckedRange(IBlockSource source, ulong sector, long length, string what)
    {
        if (sector == 0 || sector > (ulong)(source.Length / SparseExtentHeader.SectorSize)
            || ((long)sector * SparseExtentHeader.SectorSize) + length > source.Length)
        {
            throw new InvalidDiskImageException($"The VMDK {what} at sector {sector} ({length} bytes) lies outside the file ({source.Length} bytes).");
        }

        return (long)sector * SparseExtentHeader.SectorSize;
    }

    private static void CheckTablePlacement(IBlockSource source, uint[] tableSectors, long tableBytes, long directoryOffset, long directoryBytes, string which)
    {
        var starts = new List<(long Offset, int Index)>();
        for (var t = 0; t < tableSectors.Length; t++)
        {
            if (tableSectors[t] != 0)
            {
                starts.Add((CheckedRange(source, tableSectors[t], tableBytes, $"{which} grain table {t}"), t));
            }
        }

        starts.Sort();
        for (var i = 0; i < starts.Count; i++)
        {
            var (offset, index) = starts[i];
            if (i + 1 < starts.Count && offset + tableBytes > starts[i + 1].Offset)
            {
                throw new InvalidDiskImageException($"The VMDK {which} grain tables {index} and {starts[i + 1].Index} overlap.");
            }

            if (offset < directoryOffset + directoryBytes && directoryOffset < offset + tableBytes)
            {
                throw new InvalidDiskImageException($"The VMDK {which} grain table {index} overlaps its grain directory.");
            }
        }
    }

    private static void CheckGrainEntry(IBlockSource source, SparseExtentHeader header, ulong firstGrainSector, uint entry, long grain)
    {
        if (entry == 0 || (entry == ZeroedGrain && header.HasZeroedGrainEntries))
        {
            return;
        }

        // A compressed grain starts with its marker; its compressed length is checked when it is read.
        var minimum = header.HasCompressedGrains ? StreamMarker.GrainHeaderSize : header.GrainBytes;
        if (entry < firstGrainSector || ((long)entry * SparseExtentHeader.SectorSize) + minimum > source.Length)
        {
            throw new InvalidDiskImageException($"The VMDK grain table entry for grain {grain} points at sector {entry}, outside the grain area of the file ({source.Length} bytes).");
        }
    }
}
