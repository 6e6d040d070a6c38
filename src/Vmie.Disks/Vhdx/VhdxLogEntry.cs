using System.Buffers.Binary;

namespace Vmie.Disks.Vhdx;

/// <summary>One write a log entry describes: 4 KiB of data, or a run of zeros (Data is null).</summary>
internal readonly record struct VhdxLogWrite(long FileOffset, long Length, byte[]? Data);

/// <summary>
/// A log entry ([MS-VHDX] 2.3.1): a 64-byte header ("loge", CRC-32C over the whole entry), descriptors
/// ("desc" for a data sector, "zero" for a run of zeros, 2.3.1.2 and 2.3.1.3) padded to whole 4 KiB
/// sectors, then one 4 KiB data sector ("data", 2.3.1.4) per data descriptor. Every descriptor and data
/// sector repeats the entry's sequence number, so torn or stale entries are recognised.
/// </summary>
internal sealed record VhdxLogEntry(ulong SequenceNumber, int Length, long Tail, ulong FlushedFileOffset, ulong LastFileOffset, IReadOnlyList<VhdxLogWrite> Writes)
{
    public const int SectorSize = 4096;

    private const uint Signature = 0x65676F6C; // "loge"
    private const uint DataDescriptorSignature = 0x63736564; // "desc"
    private const uint ZeroDescriptorSignature = 0x6F72657A; // "zero"
    private const uint DataSectorSignature = 0x61746164; // "data"
    private const int HeaderSize = 64;
    private const int DescriptorSize = 32;

    /// <summary>Declared length of the entry starting at <paramref name="sector"/>, or 0 when it cannot start an entry.</summary>
    public static int PeekLength(ReadOnlySpan<byte> sector, Guid logGuid, long logLength)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(sector) != Signature || new Guid(sector.Slice(32, 16)) != logGuid)
        {
            return 0;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(sector[8..]);
        return length >= SectorSize && length % SectorSize == 0 && length <= logLength ? (int)length : 0;
    }

    /// <summary>Parses a whole entry (already unwrapped from the circular log); null when anything in it is inconsistent.</summary>
    public static VhdxLogEntry? TryParse(ReadOnlySpan<byte> entry, Guid logGuid, long logLength, long maxFileOffset)
    {
        if (PeekLength(entry, logGuid, logLength) != entry.Length || !VhdxCrc32C.IsValid(entry, 4))
        {
            return null;
        }

        var tail = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]);
        var descriptorCount = BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]);
        var flushed = BinaryPrimitives.ReadUInt64LittleEndian(entry[48..]);
        var last = BinaryPrimitives.ReadUInt64LittleEndian(entry[56..]);
        var sectors = entry.Length / SectorSize;
        if (tail % SectorSize != 0 || tail >= logLength || flushed > (ulong)maxFileOffset || last > (ulong)maxFileOffset)
        {
            return null;
        }

        var descriptorSectors = (int)((HeaderSize + ((long)descriptorCount * DescriptorSize) + SectorSize - 1) / SectorSize);
        if (descriptorSectors > sectors)
        {
            return null;
        }

        var dataSector = descriptorSectors;
        var writes = new List<VhdxLogWrite>((int)descriptorCount);
        for (var i = 0; i < descriptorCount; i++)
        {
            var descriptor = entry.Slice(HeaderSize + (i * DescriptorSize), DescriptorSize);
            var kind = BinaryPrimitives.ReadUInt32LittleEndian(descriptor);
            var fileOffset = BinaryPrimitives.ReadUInt64LittleEndian(descriptor[16..]);
            if (BinaryPrimitives.ReadUInt64LittleEndian(descriptor[24..]) != sequence || fileOffset % SectorSize != 0 || fileOffset > (ulong)maxFileOffset)
            {
                return null;
            }

            if (kind == ZeroDescriptorSignature)
            {
                var zeroLength = BinaryPrimitives.ReadUInt64LittleEndian(descriptor[8..]);
                if (zeroLength % SectorSize != 0 || zeroLength > (ulong)maxFileOffset - fileOffset)
                {
                    return null;
                }

                writes.Add(new VhdxLogWrite((long)fileOffset, (long)zeroLength, null));
            }
            else if (kind == DataDescriptorSignature)
            {
                if (dataSector >= sectors || fileOffset > (ulong)maxFileOffset - SectorSize)
                {
                    return null;
                }

                var sector = entry.Slice(dataSector * SectorSize, SectorSize);
                dataSector++;
                var sectorSequence = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(sector[4..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(sector[4092..]);
                if (BinaryPrimitives.ReadUInt32LittleEndian(sector) != DataSectorSignature || sectorSequence != sequence)
                {
                    return null;
                }

                // The data sector's own signature and sequence fields stand in for the first 8 and last
                // 4 bytes of the target sector, which the descriptor carries instead.
                var data = new byte[SectorSize];
                descriptor.Slice(8, 8).CopyTo(data); // LeadingBytes
                sector[8..4092].CopyTo(data.AsSpan(8));
                descriptor.Slice(4, 4).CopyTo(data.AsSpan(4092)); // TrailingBytes
                writes.Add(new VhdxLogWrite((long)fileOffset, SectorSize, data));
            }
            else
            {
                return null;
            }
        }

        return dataSector == sectors ? new VhdxLogEntry(sequence, entry.Length, tail, flushed, last, writes) : null;
    }
}
