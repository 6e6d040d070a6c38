using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Writing;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// Reads a streamOptimized VMDK from a non-seekable stream (an object-store GET body, stdin) in one forward
/// pass, using the grain markers' LBAs instead of the grain directory ("Virtual Disk Format 5.0",
/// "Stream-Optimized Compressed Sparse Extents"; field notes §5). Both layouts met in the wild work: qemu's
/// (directory in the header area, only grain markers, an end-of-stream sector then zero padding) and VMware's
/// (gdOffset = GD_AT_END; grain table, grain directory and footer markers whose bodies are read past).
/// qemu may also end the file right after the last grain, so in its layout the end of the stream at a marker
/// boundary ends the disk too (a file cut exactly between two grains cannot be told from a complete one
/// there; the random-access reader checks against the grain directory); VMware's layout must reach its
/// end-of-stream marker.
/// </summary>
/// <remarks>
/// Grains must come in ascending, non-overlapping order, as both qemu and VMware write them: a grain that goes
/// back is an <see cref="InvalidDiskImageException"/> for every target (a sequential target could not take it,
/// and a stream that does it is not one either writer produces). Reading stops at the end-of-stream marker;
/// a stream that ends inside a structure is truncated. Grains are inflated on several cores ahead of the consumer,
/// keeping at most a few grains per core in memory. The reader does not own the stream and reads it once.
/// </remarks>
public sealed class ForwardOnlyVmdkReader
{
    private const int Sector = SparseExtentHeader.SectorSize;

    // Metadata marker bodies skipped without being parsed; bounded so a lying count fails fast.
    private const long MaxGrainTableSectors = SparseExtentHeader.MaxGrainTableEntries * 4 / Sector;

    private readonly ForwardInput _input;
    private readonly SparseExtentHeader _header;
    private int _started;

    private ForwardOnlyVmdkReader(ForwardInput input, SparseExtentHeader header, VmdkDescriptor? descriptor)
    {
        _input = input;
        _header = header;
        Descriptor = descriptor;
    }

    /// <summary>Virtual size in bytes.</summary>
    public long Capacity => _header.Capacity;

    /// <summary>The embedded descriptor; null when the stream has none.</summary>
    public VmdkDescriptor? Descriptor { get; }

    /// <summary>Grain size in bytes.</summary>
    public int GrainSize => _header.GrainBytes;

    /// <summary>
    /// Reads the sparse extent header and the embedded descriptor, and checks the stream is a standalone
    /// streamOptimized extent (anything else: <see cref="UnsupportedDiskImageException"/>, spec §13 I4).
    /// </summary>
    public static async Task<ForwardOnlyVmdkReader> OpenAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var forward = new ForwardInput(input);
        var first = new byte[SparseExtentHeader.Size];
        await forward.ReadExactlyAsync(first, "sparse extent header", cancellationToken).ConfigureAwait(false);
        if (!SparseExtentHeader.HasMagic(first))
        {
            throw new InvalidDiskImageException("The stream is not a sparse VMDK: it does not start with the magic 'KDMV'.");
        }

        var header = SparseExtentHeader.Parse(first, "header");
        VmdkDescriptor? descriptor = null;
        if (header.DescriptorOffset != 0 && header.DescriptorSectors != 0)
        {
            await forward.SkipToAsync((long)header.DescriptorOffset * Sector, "embedded descriptor", cancellationToken).ConfigureAwait(false);
            var text = new byte[(int)header.DescriptorSectors * Sector];
            await forward.ReadExactlyAsync(text, "embedded descriptor", cancellationToken).ConfigureAwait(false);
            descriptor = VmdkDescriptor.Parse(Encoding.UTF8.GetString(text));
        }

        var createType = descriptor?.CreateType ?? (header.HasCompressedGrains ? VmdkDisk.StreamOptimized : VmdkDisk.MonolithicSparse);
        VmdkDisk.CheckSparseCreateType(createType, descriptor);
        if (!string.Equals(createType, VmdkDisk.StreamOptimized, StringComparison.OrdinalIgnoreCase) || !header.HasCompressedGrains || !header.HasMarkers)
        {
            throw new UnsupportedDiskImageException($"{VmdkDisk.UnsupportedFormatMessage}: only a streamOptimized VMDK (compressed grains with markers) can be read from a stream, not {createType}.");
        }

        if (header.OverheadSectors > long.MaxValue / Sector)
        {
            throw new InvalidDiskImageException($"The VMDK header declares {header.OverheadSectors} sectors of overhead.");
        }

        // Grains start after the overhead (qemu keeps its directory and tables there).
        await forward.SkipToAsync((long)header.OverheadSectors * Sector, "metadata before the first grain", cancellationToken).ConfigureAwait(false);
        return new ForwardOnlyVmdkReader(forward, header, descriptor);
    }

    /// <summary>
    /// The grains in ascending order, each decoded into its own buffer (kept valid after the next item).
    /// Holes between grains read as zeros. Can be enumerated once.
    /// </summary>
    public async IAsyncEnumerable<VmdkGrain> ReadGrainsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A forward-only VMDK stream can be read once.");
        }

        var window = Math.Max(2, Environment.ProcessorCount * 2);
        var pending = new Queue<(long Offset, Task<byte[]> Data)>();
        try
        {
            await foreach (var compressed in ReadCompressedGrainsAsync(cancellationToken).ConfigureAwait(false))
            {
                var grain = compressed;
                pending.Enqueue((grain.Offset, Task.Run(() => Decode(grain), cancellationToken)));
                if (pending.Count >= window)
                {
                    var (offset, data) = pending.Dequeue();
                    yield return new VmdkGrain(offset, await data.ConfigureAwait(false));
                }
            }

            while (pending.Count > 0)
            {
                var (offset, data) = pending.Dequeue();
                yield return new VmdkGrain(offset, await data.ConfigureAwait(false));
            }
        }
        finally
        {
            // On an error or an early stop, let running decodes finish so their pooled buffers come back.
            foreach (var (_, data) in pending)
            {
                try
                {
                    await data.ConfigureAwait(false);
                }
                catch (Exception error) when (error is InvalidDiskImageException or OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Writes the whole disk to a sequential <paramref name="destination"/>: zeros for the holes, the grains,
    /// zeros to the capacity. Returns the bytes written (the capacity). Progress reports the disk offset reached.
    /// </summary>
    public async Task<long> CopyToAsync(Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        long position = 0;
        await foreach (var grain in ReadGrainsAsync(cancellationToken).ConfigureAwait(false))
        {
            await SequentialOutput.WriteZerosAsync(destination, grain.Offset - position, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(grain.Data, cancellationToken).ConfigureAwait(false);
            position = grain.End;
            progress?.Report(position);
        }

        await SequentialOutput.WriteZerosAsync(destination, Capacity - position, cancellationToken).ConfigureAwait(false);
        progress?.Report(Capacity);
        return Capacity;
    }

    /// <summary>
    /// Writes the disk to a local file as a sparse raw image: the file is sized to the capacity and only grains
    /// holding a non-zero byte are written, so holes and zero grains stay unallocated. The file should start
    /// empty (existing bytes under holes are not cleared). Progress reports the disk offset reached.
    /// </summary>
    public async Task CopyToAsync(SafeFileHandle file, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        RandomAccess.SetLength(file, Capacity);
        await foreach (var grain in ReadGrainsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (grain.Data.Span.ContainsAnyExcept((byte)0))
            {
                await RandomAccess.WriteAsync(file, grain.Data, grain.Offset, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report(grain.End);
        }

        progress?.Report(Capacity);
    }

    private byte[] Decode(CompressedGrain grain)
    {
        try
        {
            var output = new byte[Math.Min(_header.GrainBytes, Capacity - grain.Offset)];
            var scratch = output.Length == _header.GrainBytes ? output : new byte[_header.GrainBytes];

            // A last grain cut at the capacity may decode to a whole grain (qemu pads it) or to just the part inside.
            GrainInflater.Inflate(grain.Compressed, grain.CompressedLength, scratch, output.Length, grain.MarkerOffset);
            if (!ReferenceEquals(scratch, output))
            {
                scratch.AsSpan(0, output.Length).CopyTo(output);
            }

            return output;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(grain.Compressed);
        }
    }

    /// <summary>Walks the markers in file order, checks each grain's place, and hands out its compressed bytes.</summary>
    private async IAsyncEnumerable<CompressedGrain> ReadCompressedGrainsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var grainBytes = _header.GrainBytes;
        var maxCompressed = GrainInflater.MaxCompressedSize(grainBytes);
        var marker = new byte[Sector];
        long nextOffset = 0;
        while (true)
        {
            var markerOffset = _input.Position;
            if (!await _input.TryReadExactlyAsync(marker.AsMemory(0, StreamMarker.GrainHeaderSize), "marker", cancellationToken).ConfigureAwait(false))
            {
                if (_header.DirectoryIsAtEnd)
                {
                    throw new InvalidDiskImageException($"The VMDK stream ended at byte {markerOffset}, before its footer and end-of-stream marker.");
                }

                // qemu may end the file right after the last grain, without an end-of-stream sector.
                yield break;
            }

            var lba = BinaryPrimitives.ReadUInt64LittleEndian(marker);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(marker.AsSpan(8));
            if (size != 0)
            {
                if (lba % _header.GrainSectors != 0 || lba >= _header.CapacitySectors)
                {
                    throw new InvalidDiskImageException($"The VMDK grain marker at byte {markerOffset} names sector {lba}, which is not the start of a grain of the {_header.CapacitySectors}-sector disk.");
                }

                var offset = (long)lba * Sector;
                if (offset < nextOffset)
                {
                    throw new InvalidDiskImageException($"The VMDK grain marker at byte {markerOffset} names sector {lba}, at or before a grain already read: grains must come in ascending order.");
                }

                if (size > maxCompressed)
                {
                    throw new InvalidDiskImageException($"The VMDK grain marker at byte {markerOffset} declares {size} compressed bytes, which is impossible for a {grainBytes}-byte grain.");
                }

                var compressed = ArrayPool<byte>.Shared.Rent((int)size);
                try
                {
                    await _input.ReadExactlyAsync(compressed.AsMemory(0, (int)size), $"grain at sector {lba}", cancellationToken).ConfigureAwait(false);
                    await _input.SkipToAsync(AlignUp(_input.Position), $"padding of the grain at sector {lba}", cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(compressed);
                    throw;
                }

                nextOffset = offset + grainBytes;
                yield return new CompressedGrain(offset, compressed, (int)size, markerOffset);
                continue;
            }

            // A metadata marker fills a sector: { sectors that follow; 0; type; padding }.
            await _input.ReadExactlyAsync(marker.AsMemory(StreamMarker.GrainHeaderSize), "metadata marker", cancellationToken).ConfigureAwait(false);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(marker.AsSpan(12));
            var limit = type switch
            {
                StreamMarker.EndOfStream => 0,
                StreamMarker.GrainTable => MaxGrainTableSectors,
                StreamMarker.GrainDirectory => ((_header.DirectoryEntries * 4) + Sector - 1) / Sector,
                StreamMarker.Footer => 1,
                _ => throw new InvalidDiskImageException($"The VMDK marker at byte {markerOffset} has the unknown type {type}."),
            };

            if (type == StreamMarker.EndOfStream)
            {
                // Anything after it (qemu's zero padding) is not read.
                yield break;
            }

            if (lba > (ulong)limit)
            {
                throw new InvalidDiskImageException($"The VMDK marker at byte {markerOffset} (type {type}) declares {lba} sectors; at most {limit} fit.");
            }

            await _input.SkipToAsync(_input.Position + ((long)lba * Sector), $"body of the type-{type} marker at byte {markerOffset}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static long AlignUp(long position) => (position + Sector - 1) / Sector * Sector;

    private sealed record CompressedGrain(long Offset, byte[] Compressed, int CompressedLength, long MarkerOffset);

    /// <summary>A stream read forward only, with its position counted (the stream may not know it).</summary>
    private sealed class ForwardInput(Stream stream)
    {
        private byte[]? _skipBuffer;

        public long Position { get; private set; }

        public async ValueTask ReadExactlyAsync(Memory<byte> buffer, string what, CancellationToken cancellationToken)
        {
            if (!await TryReadExactlyAsync(buffer, what, cancellationToken).ConfigureAwait(false) && buffer.Length > 0)
            {
                throw new InvalidDiskImageException($"The VMDK stream ended at byte {Position}, inside its {what}.");
            }
        }

        /// <summary>False when the stream is already at its end; a stream that ends part way is an error.</summary>
        public async ValueTask<bool> TryReadExactlyAsync(Memory<byte> buffer, string what, CancellationToken cancellationToken)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer[done..], cancellationToken).ConfigureAwait(false);
                if (read == 0 && done == 0)
                {
                    return false;
                }

                if (read == 0)
                {
                    throw new InvalidDiskImageException($"The VMDK stream ended at byte {Position + done}, inside its {what}.");
                }

                done += read;
            }

            Position += done;
            return true;
        }

        public async ValueTask SkipToAsync(long target, string what, CancellationToken cancellationToken)
        {
            if (target < Position)
            {
                throw new InvalidDiskImageException($"The VMDK {what} at byte {target} lies before byte {Position}, already read.");
            }

            _skipBuffer ??= new byte[64 * 1024];
            while (Position < target)
            {
                var chunk = (int)Math.Min(_skipBuffer.Length, target - Position);
                await ReadExactlyAsync(_skipBuffer.AsMemory(0, chunk), what, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
