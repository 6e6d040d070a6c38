using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>A region of the file: its offset and length in bytes, both multiples of 1 MiB.</summary>
internal readonly record struct VhdxRegion(long Offset, long Length)
{
    public long End => Offset + Length;
}

/// <summary>
/// The region table ([MS-VHDX] 2.2.3): two 64 KiB copies at 192 KiB and 256 KiB, each CRC-32C-checked,
/// listing where the BAT and the metadata region live. A region marked required that this reader does not
/// know makes the file unreadable for it.
/// </summary>
internal sealed record VhdxRegionTable(VhdxRegion Bat, VhdxRegion Metadata)
{
    public const long FirstOffset = 192 * 1024;
    public const long SecondOffset = 256 * 1024;
    public const int Size = 64 * 1024;

    /// <summary>Regions, the log and payload blocks are placed on 1 MiB boundaries.</summary>
    public const long Alignment = 1024 * 1024;

    public static readonly Guid BatGuid = new("2DC27766-F623-4200-9D64-115E9BFD4A08");
    public static readonly Guid MetadataGuid = new("8B7CA206-4790-4B9A-B8FE-575F050F886E");

    private const uint Signature = 0x69676572; // "regi"
    private const int MaxEntries = 2047;
    private const int EntrySize = 32;

    /// <summary>
    /// Writes one copy (both copies are identical) into the first <see cref="Size"/> bytes of
    /// <paramref name="destination"/>: the BAT and metadata entries, both required, checksum included.
    /// </summary>
    public void WriteTo(Span<byte> destination)
    {
        var data = destination[..Size];
        data.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(data, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(data[8..], 2);
        WriteEntry(data.Slice(16, EntrySize), BatGuid, Bat);
        WriteEntry(data.Slice(16 + EntrySize, EntrySize), MetadataGuid, Metadata);
        BinaryPrimitives.WriteUInt32LittleEndian(data[4..], VhdxCrc32C.Compute(data, 4));

        static void WriteEntry(Span<byte> entry, Guid id, VhdxRegion region)
        {
            id.TryWriteBytes(entry);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], (ulong)region.Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], checked((uint)region.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(entry[28..], 1); // Required
        }
    }

    /// <summary>Reads the first valid copy (the second is the fallback when the first is damaged).</summary>
    public static async ValueTask<VhdxRegionTable> ReadAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        foreach (var offset in new[] { FirstOffset, SecondOffset })
        {
            var data = await VhdxStructureReader.ReadAsync(source, offset, Size, "region table", cancellationToken).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt32LittleEndian(data) == Signature && VhdxCrc32C.IsValid(data, 4))
            {
                return Parse(data, source.Length);
            }
        }

        throw new InvalidDiskImageException("Both VHDX region tables are corrupt (bad signature or CRC-32C checksum).");
    }

    private static VhdxRegionTable Parse(ReadOnlySpan<byte> data, long fileLength)
    {
        var count = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (count > MaxEntries)
        {
            throw new InvalidDiskImageException($"The VHDX region table declares {count} entries; at most {MaxEntries} fit.");
        }

        VhdxRegion? bat = null;
        VhdxRegion? metadata = null;
        var seen = new HashSet<Guid>();
        for (var i = 0; i < count; i++)
        {
            var entry = data.Slice(16 + (i * EntrySize), EntrySize);
            var id = new Guid(entry[..16]);
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]);
            var required = (BinaryPrimitives.ReadUInt32LittleEndian(entry[28..]) & 1) != 0;
            if (!seen.Add(id))
            {
                throw new InvalidDiskImageException($"The VHDX region table lists region {id} twice.");
            }

            if (id != BatGuid && id != MetadataGuid)
            {
                if (required)
                {
                    throw new UnsupportedDiskImageException($"The VHDX file requires region {id}, which this reader does not know.");
                }

                continue;
            }

            if (offset % Alignment != 0 || length % Alignment != 0 || offset < Alignment || length == 0
                || offset > (ulong)fileLength || length > (ulong)fileLength - offset)
            {
                throw new InvalidDiskImageException($"The VHDX region {id} ({length} bytes at byte {offset}) is misaligned or lies beyond the end of the {fileLength}-byte file.");
            }

            var region = new VhdxRegion((long)offset, length);
            if (id == BatGuid)
            {
                bat = region;
            }
            else
            {
                metadata = region;
            }
        }

        if (bat is null || metadata is null)
        {
            throw new InvalidDiskImageException("The VHDX region table lacks the BAT or the metadata region.");
        }

        if (bat.Value.Offset < metadata.Value.End && metadata.Value.Offset < bat.Value.End)
        {
            throw new InvalidDiskImageException("The VHDX BAT and metadata regions overlap.");
        }

        return new VhdxRegionTable(bat.Value, metadata.Value);
    }
}
