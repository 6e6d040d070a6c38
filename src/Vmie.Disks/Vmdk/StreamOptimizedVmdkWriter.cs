using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// Writes a streamOptimized VMDK the way VMware lays it out ("Virtual Disk Format 5.0", "Stream-Optimized
/// Compressed Sparse Extents"), in one forward pass, so the output may be a non-seekable stream (a multipart
/// upload): header (version 3, gdOffset = GD_AT_END) and embedded descriptor, padded to the overhead; a grain
/// record per 64 KiB grain holding non-zero data; after the grains of each 32 MiB span that had any, a grain
/// table marker and its table; then the grain directory marker and directory, the footer marker, the footer (the
/// header with the real gdOffset) and the end-of-stream marker.
/// </summary>
/// <remarks>
/// Only the source's allocated extents are read. Batches of grains are read and compressed by
/// <see cref="VmdkWriteOptions.WorkerCount"/> workers while one writer emits the results in disk order, so the
/// bytes are the same whatever the worker count. Memory: a bounded number of 1 MiB batches in flight, one grain
/// table, and the grain directory (4 bytes per 32 MiB of capacity, 2 MiB at 16 TiB).
/// </remarks>
public static class StreamOptimizedVmdkWriter
{
    public const int GrainSectors = 128;
    public const int GrainTableEntries = 512;

    /// <summary>Sectors before the first grain: header, descriptor and padding, as VMware and qemu both lay it out.</summary>
    public const int OverheadSectors = 128;

    private const int Sector = SparseExtentHeader.SectorSize;
    private const int GrainBytes = GrainSectors * Sector;
    private const int DescriptorSectors = 20;
    private const int GrainTableSectors = GrainTableEntries * sizeof(uint) / Sector;
    private const int MaxBatchesInFlight = 32;

    /// <summary>
    /// Writes <paramref name="disk"/> to <paramref name="output"/> as a streamOptimized VMDK; returns the bytes
    /// written. <paramref name="progress"/> receives the source bytes processed so far (ending at the capacity).
    /// A capacity that is not a whole number of sectors is rounded up, the padding reading as zeros; an empty
    /// (0-byte) disk is an <see cref="ArgumentException"/>; more than 2 TiB of compressed output a
    /// <see cref="NotSupportedException"/> (the format's 32-bit sector numbers).
    /// </summary>
    public static async Task<long> WriteAsync(IVirtualDisk disk, Stream output, VmdkWriteOptions? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new VmdkWriteOptions();
        options.Validate();
        DiskImageLimits.CheckVirtualSize(disk.Capacity, "source");
        if (disk.Capacity == 0)
        {
            // Nothing to describe, and readers refuse a sparse extent of no sectors (qemu cannot open its own).
            throw new ArgumentException("A disk of 0 bytes cannot be written as a streamOptimized VMDK.", nameof(disk));
        }

        cancellationToken.ThrowIfCancellationRequested();

        var capacitySectors = (ulong)((disk.Capacity + Sector - 1) / Sector);
        var header = new SparseExtentHeader
        {
            Version = 3,
            // No redundant grain directory: VMware's stream files have none, and a stream cannot place one up front.
            Flags = SparseExtentHeader.FlagValidNewLineTest | SparseExtentHeader.FlagCompressedGrains | SparseExtentHeader.FlagMarkers,
            CapacitySectors = capacitySectors,
            GrainSectors = GrainSectors,
            DescriptorOffset = 1,
            DescriptorSectors = DescriptorSectors,
            GrainTableEntries = GrainTableEntries,
            RedundantDirectoryOffset = 0,
            DirectoryOffset = SparseExtentHeader.GrainDirectoryAtEnd,
            OverheadSectors = OverheadSectors,
            CompressAlgorithm = SparseExtentHeader.CompressionDeflate,
        };

        var stream = new SectorCountingStream(output);
        await stream.WriteAsync(Preamble(header, options), cancellationToken).ConfigureAwait(false);

        var tables = new GrainTables(header.DirectoryEntries);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = Channel.CreateUnbounded<Task<CompressedGrainBatch>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var slots = new SemaphoreSlim(Math.Clamp(options.WorkerCount * 2, 2, MaxBatchesInFlight));
        using var workers = new SemaphoreSlim(options.WorkerCount);
        var storedBytes = (long)capacitySectors * Sector;
        var producer = ProduceAsync(disk, storedBytes, options, batches.Writer, slots, workers, stop.Token);
        try
        {
            await foreach (var pending in batches.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                using var batch = await pending.ConfigureAwait(false);
                await WriteBatchAsync(stream, tables, batch, stop.Token).ConfigureAwait(false);
                slots.Release();
                progress?.Report(batch.SourceEnd);
            }

            await producer.ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await DrainAsync(producer, batches.Reader).ConfigureAwait(false);
            throw;
        }

        await tables.FinishAsync(stream, cancellationToken).ConfigureAwait(false);
        await WriteTrailerAsync(stream, header, tables, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(disk.Capacity);
        return stream.Written;
    }

    /// <summary>The header, the embedded descriptor (NUL-padded to its sectors) and zeros up to the overhead.</summary>
    private static byte[] Preamble(SparseExtentHeader header, VmdkWriteOptions options)
    {
        var contentId = options.ContentId ?? RandomContentId();
        var text = VmdkDescriptor.StreamOptimizedText(header.CapacitySectors, options.ExtentFileName, contentId, options.CanonicalAdapterType(), options.HardwareVersion);
        var descriptor = Encoding.UTF8.GetBytes(text);
        if (descriptor.Length > DescriptorSectors * Sector)
        {
            throw new ArgumentException($"The VMDK descriptor would take {descriptor.Length} bytes, more than its {DescriptorSectors * Sector}-byte area.", nameof(options));
        }

        var preamble = new byte[OverheadSectors * Sector];
        header.WriteTo(preamble);
        descriptor.CopyTo(preamble.AsSpan(Sector));
        return preamble;
    }

    /// <summary>A random CID, never ffffffff or fffffffe (reserved: "no parent" and "invalid").</summary>
    private static uint RandomContentId()
    {
        Span<byte> bytes = stackalloc byte[4];
        uint value;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            value = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        }
        while (value >= 0xFFFFFFFE);

        return value;
    }

    /// <summary>
    /// Cuts the allocated extents into batches of grain numbers (each grain once, ascending) and starts a worker
    /// task per batch, in order. A batch waits for a free slot first, which bounds the memory in flight.
    /// </summary>
    private static async Task ProduceAsync(IVirtualDisk disk, long storedBytes, VmdkWriteOptions options, ChannelWriter<Task<CompressedGrainBatch>> batches, SemaphoreSlim slots, SemaphoreSlim workers, CancellationToken cancellationToken)
    {
        try
        {
            var compression = options.ZLibOptions();
            var grains = new long[CompressedGrainBatch.MaxGrains];
            var count = 0;
            long nextGrain = 0;
            await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
            {
                var end = Math.Min(extent.End, disk.Capacity);
                if (extent.Length <= 0 || extent.Offset >= end)
                {
                    continue;
                }

                var last = (end - 1) / GrainBytes;
                for (var grain = Math.Max(nextGrain, extent.Offset / GrainBytes); grain <= last; grain++)
                {
                    grains[count++] = grain;
                    if (count == grains.Length)
                    {
                        await DispatchAsync(grains, count).ConfigureAwait(false);
                        grains = new long[CompressedGrainBatch.MaxGrains];
                        count = 0;
                    }
                }

                nextGrain = Math.Max(nextGrain, last + 1);
            }

            if (count > 0)
            {
                await DispatchAsync(grains, count).ConfigureAwait(false);
            }

            batches.Complete();

            async Task DispatchAsync(long[] batchGrains, int batchCount)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var work = Task.Run(
                    async () =>
                    {
                        await workers.WaitAsync(cancellationToken).ConfigureAwait(false);
                        try
                        {
                            return await CompressedGrainBatch.CompressAsync(disk, storedBytes, GrainBytes, batchGrains.AsMemory(0, batchCount), compression, cancellationToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            workers.Release();
                        }
                    },
                    cancellationToken);
                await batches.WriteAsync(work, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error)
        {
            batches.Complete(error);
        }
    }

    /// <summary>Writes a batch's grain records, putting each grain table in between when the records cross into a new table's span.</summary>
    private static async Task WriteBatchAsync(SectorCountingStream stream, GrainTables tables, CompressedGrainBatch batch, CancellationToken cancellationToken)
    {
        var records = batch.Records;
        var written = 0;
        var offset = 0;
        var sector = stream.NextSector;
        for (var i = 0; i < batch.Count; i++)
        {
            var grain = batch.GrainAt(i);
            if (tables.StartsNewTable(grain))
            {
                await stream.WriteAsync(records[written..offset], cancellationToken).ConfigureAwait(false);
                written = offset;
                await tables.FinishAsync(stream, cancellationToken).ConfigureAwait(false);
                sector = stream.NextSector;
            }

            tables.Record(grain, sector);
            sector += (ulong)batch.RecordSectorsAt(i);
            offset += batch.RecordSectorsAt(i) * Sector;
        }

        await stream.WriteAsync(records[written..offset], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Grain directory marker and directory, footer marker, footer, end-of-stream marker.</summary>
    private static async Task WriteTrailerAsync(SectorCountingStream stream, SparseExtentHeader header, GrainTables tables, CancellationToken cancellationToken)
    {
        var directory = tables.Directory;
        var directorySectors = (directory.Length * sizeof(uint) + Sector - 1) / Sector;
        var directoryOffset = stream.NextSector + 1;
        var trailer = new byte[(1 + directorySectors + 3) * Sector];
        StreamMarker.WriteMetadata(trailer, (ulong)directorySectors, StreamMarker.GrainDirectory);
        for (var t = 0; t < directory.Length; t++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(trailer.AsSpan(Sector + (t * sizeof(uint))), directory[t]);
        }

        var footerMarker = (1 + directorySectors) * Sector;
        StreamMarker.WriteMetadata(trailer.AsSpan(footerMarker), 1, StreamMarker.Footer);
        (header with { DirectoryOffset = directoryOffset }).WriteTo(trailer.AsSpan(footerMarker + Sector));
        StreamMarker.WriteMetadata(trailer.AsSpan(footerMarker + (2 * Sector)), 0, StreamMarker.EndOfStream);
        await stream.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a failure: let the producer stop, then wait out every started batch and return its buffers.</summary>
    private static async Task DrainAsync(Task producer, ChannelReader<Task<CompressedGrainBatch>> batches)
    {
        try
        {
            await producer.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The producer reports its failure through the channel; the caller is already rethrowing the first one.
        }

        while (batches.TryRead(out var pending))
        {
            try
            {
                (await pending.ConfigureAwait(false)).Dispose();
            }
            catch (Exception)
            {
                // Cancelled or failed along with the write being abandoned.
            }
        }
    }

    /// <summary>
    /// The grain directory being built and the grain table of the current 32 MiB span. A table is written only
    /// for a span holding data; the directory entry of any other span stays 0 (no table, the grains unallocated).
    /// </summary>
    private sealed class GrainTables(long directoryEntries)
    {
        private readonly uint[] _table = new uint[GrainTableEntries];
        private long _current = -1;

        public uint[] Directory { get; } = new uint[directoryEntries];

        public bool StartsNewTable(long grain) => grain / GrainTableEntries != _current;

        public void Record(long grain, ulong sector)
        {
            _current = grain / GrainTableEntries;
            _table[grain % GrainTableEntries] = CheckedSector(sector);
        }

        /// <summary>Writes the current table behind its marker, if any grain was recorded in it.</summary>
        public async Task FinishAsync(SectorCountingStream stream, CancellationToken cancellationToken)
        {
            if (_current < 0)
            {
                return;
            }

            var bytes = new byte[(1 + GrainTableSectors) * Sector];
            StreamMarker.WriteMetadata(bytes, GrainTableSectors, StreamMarker.GrainTable);
            for (var e = 0; e < _table.Length; e++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Sector + (e * sizeof(uint))), _table[e]);
            }

            Directory[_current] = CheckedSector(stream.NextSector + 1);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            Array.Clear(_table);
            _current = -1;
        }

        /// <summary>Table entries are 32-bit sector numbers: nothing can be placed past 2 TiB of output.</summary>
        private static uint CheckedSector(ulong sector) => sector <= uint.MaxValue
            ? (uint)sector
            : throw new NotSupportedException("The streamOptimized VMDK would grow past 2 TiB of compressed data, more than its 32-bit grain tables can address.");
    }

    /// <summary>The output and how much has gone into it; the stream may not be seekable, so the writer counts.</summary>
    private sealed class SectorCountingStream(Stream output)
    {
        public long Written { get; private set; }

        /// <summary>The sector the next byte lands in (every write is whole sectors).</summary>
        public ulong NextSector => (ulong)(Written / Sector);

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            if (bytes.Length == 0)
            {
                return;
            }

            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            Written += bytes.Length;
        }
    }
}
