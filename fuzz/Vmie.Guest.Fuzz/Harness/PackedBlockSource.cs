using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Fuzz.Harness;

/// <summary>
/// A compact fuzz input for a volume or disk that is mostly zeros: an 8-byte little-endian image length, then
/// records of a 4-byte little-endian sector number and that sector's <see cref="SectorSize"/> bytes (a short last
/// record is zero-padded; a later record for the same sector wins). Every sector not stored reads as zeros.
/// Even the smallest image mkfs.xfs or mkntfs makes is MiBs; packed, only the sectors a reader looks at are kept
/// (see <see cref="RecordingBlockSource"/>), which is a few dozen KiB that afl-fuzz can mutate well.
/// </summary>
public sealed class PackedBlockSource : IBlockSource
{
    public const int SectorSize = 512;

    /// <summary>Bigger claimed lengths are cut to this: a reader must cope with any length, but the harness bounds its work.</summary>
    public const long MaxLength = 64L << 30;

    private const int RecordSize = 4 + SectorSize;

    private readonly ReadOnlyMemory<byte> _packed;
    private readonly Dictionary<long, int> _sectors = [];

    public PackedBlockSource(ReadOnlyMemory<byte> packed)
    {
        _packed = packed;
        var span = packed.Span;
        Length = span.Length < 8 ? 0 : (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(span), (ulong)MaxLength);
        for (var record = 8; record + 4 <= span.Length; record += RecordSize)
        {
            _sectors[BinaryPrimitives.ReadUInt32LittleEndian(span[record..])] = record + 4;
        }
    }

    public long Length { get; }

    /// <summary>Packs the given sectors of an image of <paramref name="length"/> bytes; all-zero sectors are left out.</summary>
    public static byte[] Pack(long length, IEnumerable<(long Sector, byte[] Data)> sectors)
    {
        using var packed = new MemoryStream();
        Span<byte> field = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(field, (ulong)length);
        packed.Write(field);
        foreach (var (sector, data) in sectors.OrderBy(s => s.Sector))
        {
            if (data.Length != SectorSize || sector > uint.MaxValue)
            {
                throw new ArgumentException($"Sector {sector}: a packed image holds whole sectors below 2 TiB.", nameof(sectors));
            }

            if (data.AsSpan().ContainsAnyExcept((byte)0))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)sector);
                packed.Write(field[..4]);
                packed.Write(data);
            }
        }

        return packed.ToArray();
    }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var count = (int)Math.Clamp(Length - offset, 0, buffer.Length);
        var span = buffer.Span[..count];
        span.Clear();
        for (var done = 0; done < count;)
        {
            var position = offset + done;
            var inSector = (int)(position % SectorSize);
            var step = Math.Min(count - done, SectorSize - inSector);
            // A short last record holds fewer bytes than a sector, maybe none past this point.
            if (_sectors.TryGetValue(position / SectorSize, out var stored) && stored + inSector < _packed.Length)
            {
                var from = stored + inSector;
                _packed.Span.Slice(from, Math.Min(_packed.Length - from, step)).CopyTo(span[done..]);
            }

            done += step;
        }

        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
