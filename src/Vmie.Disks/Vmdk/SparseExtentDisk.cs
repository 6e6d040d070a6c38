using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// The contents of one hosted sparse extent: monolithicSparse (plain grains) or streamOptimized (each grain
/// a marker {LBA, compressed size} followed by a zlib stream, "Virtual Disk Format 5.0",
/// "Stream-Optimized Compressed Sparse Extents"). The allocation map is the set of grains present.
/// </summary>
internal sealed class SparseExtentDisk : IVirtualDisk
{
    private readonly IBlockSource _source;
    private readonly SparseExtentHeader _header;
    private readonly GrainDirectory _directory;
    private readonly bool _ownsSource;

    // The last decoded grain: sequential readers touch each compressed grain several times. Replaced whole, never mutated.
    private DecodedGrain? _lastGrain;

    private SparseExtentDisk(IBlockSource source, SparseExtentHeader header, GrainDirectory directory, bool ownsSource)
    {
        _source = source;
        _header = header;
        _directory = directory;
        _ownsSource = ownsSource;
    }

    public long Capacity => _header.Capacity;

    /// <summary>
    /// Loads the grain directory named by <paramref name="header"/> (the footer's copy for a VMware-layout stream);
    /// when it is damaged and a redundant directory exists, that one is used instead.
    /// </summary>
    public static async Task<SparseExtentDisk> OpenAsync(IBlockSource source, SparseExtentHeader header, bool ownsSource, long tableMemoryLimit, CancellationToken cancellationToken)
    {
        GrainDirectory directory;
        try
        {
            directory = await GrainDirectory.LoadAsync(source, header, header.DirectoryOffset, "primary", tableMemoryLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDiskImageException primaryError) when (header.HasRedundantDirectory && header.RedundantDirectoryOffset != header.DirectoryOffset)
        {
            try
            {
                directory = await GrainDirectory.LoadAsync(source, header, header.RedundantDirectoryOffset, "redundant", tableMemoryLimit, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDiskImageException)
            {
                throw primaryError;
            }
        }

        return new SparseExtentDisk(source, header, directory, ownsSource);
    }

    public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long runStart = -1;
        long runEnd = -1;
        var grainBytes = (long)_header.GrainBytes;
        for (var t = 0; t < _directory.TableCount; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var table = await _directory.GetTableAsync(t, cancellationToken).ConfigureAwait(false);
            if (table is null)
            {
                continue;
            }

            for (var e = 0; e < table.Length; e++)
            {
                var grain = ((long)t * table.Length) + e;
                var start = grain * grainBytes;
                if (start >= Capacity)
                {
                    break;
                }

                if (!_directory.HoldsData(table[e]))
                {
                    continue;
                }

                var end = Math.Min(start + grainBytes, Capacity);
                if (start == runEnd)
                {
                    runEnd = end;
                    continue;
                }

                if (runStart >= 0)
                {
                    yield return new DiskExtent(runStart, runEnd - runStart);
                }

                (runStart, runEnd) = (start, end);
            }
        }

        if (runStart >= 0)
        {
            yield return new DiskExtent(runStart, runEnd - runStart);
        }
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Capacity)
        {
            return 0;
        }

        var total = (int)Math.Min(buffer.Length, Capacity - offset);
        var grainBytes = _header.GrainBytes;
        var done = 0;
        while (done < total)
        {
            var position = offset + done;
            var grain = position / grainBytes;
            var inGrain = (int)(position % grainBytes);
            var count = Math.Min(total - done, grainBytes - inGrain);
            var destination = buffer.Slice(done, count);
            var entry = await _directory.GetEntryAsync(grain, cancellationToken).ConfigureAwait(false);
            if (!_directory.HoldsData(entry))
            {
                destination.Span.Clear();
            }
            else if (_header.HasCompressedGrains)
            {
                var decoded = await DecodeGrainAsync(grain, entry, cancellationToken).ConfigureAwait(false);
                decoded.AsMemory(inGrain, count).CopyTo(destination);
            }
            else
            {
                var at = ((long)entry * SparseExtentHeader.SectorSize) + inGrain;
                await GrainDirectory.ReadExactlyAsync(_source, at, destination, $"grain {grain}", cancellationToken).ConfigureAwait(false);
            }

            done += count;
        }

        return total;
    }

    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>The grain's bytes, zero-padded to a whole grain when the stream ends it at the capacity.</summary>
    private async ValueTask<byte[]> DecodeGrainAsync(long grain, uint sector, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lastGrain) is { } cached && cached.Index == grain)
        {
            return cached.Data;
        }

        var grainBytes = _header.GrainBytes;
        var markerOffset = (long)sector * SparseExtentHeader.SectorSize;
        var headerBytes = new byte[StreamMarker.GrainHeaderSize];
        await GrainDirectory.ReadExactlyAsync(_source, markerOffset, headerBytes, $"grain marker of grain {grain}", cancellationToken).ConfigureAwait(false);
        var lba = BinaryPrimitives.ReadUInt64LittleEndian(headerBytes);
        var compressedSize = BinaryPrimitives.ReadUInt32LittleEndian(headerBytes.AsSpan(8));
        var expectedLba = (ulong)grain * _header.GrainSectors;
        if (lba != expectedLba)
        {
            throw new InvalidDiskImageException($"The VMDK grain marker at byte {markerOffset} names sector {lba}, but the grain table places it at sector {expectedLba}.");
        }

        if (compressedSize == 0 || compressedSize > GrainInflater.MaxCompressedSize(grainBytes)
            || markerOffset + StreamMarker.GrainHeaderSize + compressedSize > _source.Length)
        {
            throw new InvalidDiskImageException($"The VMDK grain marker at byte {markerOffset} declares {compressedSize} compressed bytes, which is impossible for a {grainBytes}-byte grain in a {_source.Length}-byte file.");
        }

        var compressed = ArrayPool<byte>.Shared.Rent((int)compressedSize);
        try
        {
            await GrainDirectory.ReadExactlyAsync(_source, markerOffset + StreamMarker.GrainHeaderSize, compressed.AsMemory(0, (int)compressedSize), $"grain {grain}", cancellationToken).ConfigureAwait(false);
            var data = new byte[grainBytes];

            // The last grain may stop at the capacity; every other grain decodes to exactly one grain.
            var required = (int)Math.Min(grainBytes, Capacity - (grain * grainBytes));
            GrainInflater.Inflate(compressed, (int)compressedSize, data, required, markerOffset);
            Volatile.Write(ref _lastGrain, new DecodedGrain(grain, data));
            return data;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private sealed record DecodedGrain(long Index, byte[] Data);
}
