using System.Buffers;
using System.IO.Compression;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// A run of grains read and compressed by one worker of <see cref="StreamOptimizedVmdkWriter"/>: the grain
/// records laid out back to back, each a grain marker {LBA, compressed size}, the zlib stream and zero padding
/// to a sector ("Virtual Disk Format 5.0", "Stream-Optimized Compressed Sparse Extents", "Grain Marker").
/// All-zero grains are dropped without being compressed. The bytes depend only on the source and the
/// compression level, never on which worker or in which order batches ran.
/// </summary>
internal sealed class CompressedGrainBatch : IDisposable
{
    /// <summary>Grains per batch: 1 MiB of source at 64 KiB grains, enough to amortize the hand-off to a worker.</summary>
    public const int MaxGrains = 16;

    private const int Sector = SparseExtentHeader.SectorSize;

    private readonly long[] _grains = new long[MaxGrains];
    private readonly int[] _recordSectors = new int[MaxGrains];
    private byte[]? _buffer;

    private CompressedGrainBatch(byte[] buffer, long sourceEnd)
    {
        _buffer = buffer;
        SourceEnd = sourceEnd;
    }

    /// <summary>Grains kept (those holding a non-zero byte), ascending.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of grain records in <see cref="Records"/>, a whole number of sectors.</summary>
    public int Length { get; private set; }

    /// <summary>The disk offset just past the last grain this batch covered (for progress).</summary>
    public long SourceEnd { get; }

    public ReadOnlyMemory<byte> Records => (_buffer ?? throw new ObjectDisposedException(nameof(CompressedGrainBatch))).AsMemory(0, Length);

    public long GrainAt(int index) => _grains[index];

    public int RecordSectorsAt(int index) => _recordSectors[index];

    /// <summary>
    /// Worst-case bytes of one grain record: the 12-byte marker, zlib framing, and the deflate expansion of
    /// incompressible data (never more than a stored block's few bytes, since such grains are stored), then padding.
    /// </summary>
    public static int MaxRecordBytes(int grainBytes) => ((StreamMarker.GrainHeaderSize + grainBytes + (grainBytes / 64) + 64 + Sector - 1) / Sector) * Sector;

    /// <summary>
    /// Reads <paramref name="grains"/> (ascending grain numbers, contiguous runs read at once) from
    /// <paramref name="disk"/> and compresses those holding data. <paramref name="storedBytes"/> is the disk's
    /// size rounded up to whole sectors: the last grain stops there, as the header's capacity does.
    /// </summary>
    public static async Task<CompressedGrainBatch> CompressAsync(IVirtualDisk disk, long storedBytes, int grainBytes, ReadOnlyMemory<long> grains, ZLibCompressionOptions compression, CancellationToken cancellationToken)
    {
        var count = grains.Length;
        var lastEnd = Math.Min(storedBytes, (grains.Span[count - 1] + 1) * grainBytes);
        var data = ArrayPool<byte>.Shared.Rent(count * grainBytes);
        var batch = new CompressedGrainBatch(ArrayPool<byte>.Shared.Rent(count * MaxRecordBytes(grainBytes)), lastEnd);
        try
        {
            await ReadGrainsAsync(disk, storedBytes, grainBytes, grains, data, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                var grain = grains.Span[i];
                var start = grain * grainBytes;
                var contents = data.AsSpan(i * grainBytes, (int)Math.Min(grainBytes, storedBytes - start));
                if (!contents.ContainsAnyExcept((byte)0))
                {
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                batch.Append(grain, contents, grainBytes, compression);
            }

            return batch;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads each run of consecutive grains with one call; slot i of <paramref name="data"/> holds grains[i].</summary>
    private static async Task ReadGrainsAsync(IVirtualDisk disk, long storedBytes, int grainBytes, ReadOnlyMemory<long> grains, byte[] data, CancellationToken cancellationToken)
    {
        var count = grains.Length;
        for (var first = 0; first < count;)
        {
            var last = first;
            while (last + 1 < count && grains.Span[last + 1] == grains.Span[last] + 1)
            {
                last++;
            }

            var offset = grains.Span[first] * grainBytes;
            var end = Math.Min(storedBytes, (grains.Span[last] + 1) * grainBytes);
            var wanted = (int)(Math.Min(end, disk.Capacity) - offset);
            var destination = data.AsMemory(first * grainBytes, (int)(end - offset));
            var read = wanted <= 0 ? 0 : await disk.ReadAsync(offset, destination[..wanted], cancellationToken).ConfigureAwait(false);
            if (read != Math.Max(wanted, 0))
            {
                throw new InvalidDiskImageException($"The disk returned {read} bytes at offset {offset} where {wanted} were expected within its capacity of {disk.Capacity} bytes.");
            }

            // A capacity that is not a whole number of sectors is padded with zeros to the sector the header counts.
            destination.Span[Math.Max(wanted, 0)..].Clear();
            first = last + 1;
        }
    }

    private void Append(long grain, ReadOnlySpan<byte> contents, int grainBytes, ZLibCompressionOptions compression)
    {
        var buffer = _buffer!;
        var recordStart = Length;
        var payloadStart = recordStart + StreamMarker.GrainHeaderSize;
        var room = MaxRecordBytes(grainBytes) - StreamMarker.GrainHeaderSize;
        var compressedLength = Deflate(contents, buffer, payloadStart, room, compression);
        if (compressedLength < 0 || compressedLength >= contents.Length)
        {
            // Incompressible: a stored zlib stream is the smallest form (a few bytes of framing) and reads back everywhere.
            compressedLength = Deflate(contents, buffer, payloadStart, room, StoredOnly);
        }

        StreamMarker.WriteGrainHeader(buffer.AsSpan(recordStart), (ulong)grain * (ulong)(grainBytes / Sector), (uint)compressedLength);
        var recordBytes = StreamMarker.GrainHeaderSize + compressedLength;
        var padded = (recordBytes + Sector - 1) / Sector * Sector;
        buffer.AsSpan(recordStart + recordBytes, padded - recordBytes).Clear();
        _grains[Count] = grain;
        _recordSectors[Count] = padded / Sector;
        Count++;
        Length += padded;
    }

    /// <summary>The zlib stream's length, or -1 when it would not fit in <paramref name="room"/> bytes.</summary>
    private static int Deflate(ReadOnlySpan<byte> contents, byte[] buffer, int offset, int room, ZLibCompressionOptions compression)
    {
        var output = new BoundedArrayStream(buffer, offset, room);
        using (var zlib = new ZLibStream(output, compression, leaveOpen: true))
        {
            zlib.Write(contents);
        }

        return output.Overflowed ? -1 : output.Written;
    }

    private static readonly ZLibCompressionOptions StoredOnly = new() { CompressionLevel = 0 };

    /// <summary>
    /// A write-only window of an array that refuses to grow: output past its end is dropped and flagged, so an
    /// expanding compression attempt costs no exception and no allocation.
    /// </summary>
    private sealed class BoundedArrayStream(byte[] target, int start, int room) : Stream
    {
        public int Written { get; private set; }

        public bool Overflowed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> source)
        {
            if (Overflowed || source.Length > room - Written)
            {
                Overflowed = true;
                return;
            }

            source.CopyTo(target.AsSpan(start + Written));
            Written += source.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
