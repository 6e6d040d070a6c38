using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// The VHDX header ([MS-VHDX] 2.2.2): two copies at 64 KiB and 128 KiB, each a 4 KiB CRC-32C-checked
/// structure; the current one is the valid copy with the higher sequence number.
/// </summary>
internal sealed record VhdxHeader(ulong SequenceNumber, Guid LogGuid, ushort LogVersion, ushort Version, uint LogLength, ulong LogOffset)
{
    public const long FirstOffset = 64 * 1024;
    public const long SecondOffset = 128 * 1024;
    public const int Size = 4096;

    private const uint Signature = 0x64616568; // "head"

    /// <summary>Changes whenever the file is first written after opening (informational for readers).</summary>
    public Guid FileWriteGuid { get; init; }

    /// <summary>Changes whenever user-visible data changes; a differencing child records its parent's.</summary>
    public Guid DataWriteGuid { get; init; }

    /// <summary>Writes this header, checksum included, into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var data = destination[..Size];
        data.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(data, Signature);
        BinaryPrimitives.WriteUInt64LittleEndian(data[8..], SequenceNumber);
        FileWriteGuid.TryWriteBytes(data[16..]);
        DataWriteGuid.TryWriteBytes(data[32..]);
        LogGuid.TryWriteBytes(data[48..]);
        BinaryPrimitives.WriteUInt16LittleEndian(data[64..], LogVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(data[66..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(data[68..], LogLength);
        BinaryPrimitives.WriteUInt64LittleEndian(data[72..], LogOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[4..], VhdxCrc32C.Compute(data, 4));
    }

    /// <summary>Parses one copy; null when its signature or checksum is wrong (the other copy may still serve).</summary>
    public static VhdxHeader? TryParse(ReadOnlySpan<byte> data)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != Signature || !VhdxCrc32C.IsValid(data[..Size], 4))
        {
            return null;
        }

        return new VhdxHeader(
            SequenceNumber: BinaryPrimitives.ReadUInt64LittleEndian(data[8..]),
            LogGuid: new Guid(data.Slice(48, 16)),
            LogVersion: BinaryPrimitives.ReadUInt16LittleEndian(data[64..]),
            Version: BinaryPrimitives.ReadUInt16LittleEndian(data[66..]),
            LogLength: BinaryPrimitives.ReadUInt32LittleEndian(data[68..]),
            LogOffset: BinaryPrimitives.ReadUInt64LittleEndian(data[72..]))
        {
            FileWriteGuid = new Guid(data.Slice(16, 16)),
            DataWriteGuid = new Guid(data.Slice(32, 16)),
        };
    }

    /// <summary>Reads both copies and returns the current one, checked for the version this reader knows.</summary>
    public static async ValueTask<VhdxHeader> ReadCurrentAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        var first = TryParse(await VhdxStructureReader.ReadAsync(source, FirstOffset, Size, "first header", cancellationToken).ConfigureAwait(false));
        var second = TryParse(await VhdxStructureReader.ReadAsync(source, SecondOffset, Size, "second header", cancellationToken).ConfigureAwait(false));
        var current = (first, second) switch
        {
            (null, null) => throw new InvalidDiskImageException("Both VHDX headers are corrupt (bad signature or CRC-32C checksum)."),
            (not null, null) => first,
            (null, not null) => second,
            _ => second!.SequenceNumber > first!.SequenceNumber ? second : first,
        };

        if (current.Version != 1)
        {
            throw new UnsupportedDiskImageException($"The VHDX header declares version {current.Version}; only version 1 is supported.");
        }

        if (current.LogGuid != Guid.Empty)
        {
            // The log is only read when it may need replaying; then its placement must make sense.
            if (current.LogVersion != 0)
            {
                throw new UnsupportedDiskImageException($"The VHDX log declares version {current.LogVersion}; only version 0 is supported.");
            }

            if (current.LogLength == 0 || current.LogLength % VhdxRegionTable.Alignment != 0 || current.LogOffset % VhdxRegionTable.Alignment != 0
                || current.LogOffset < VhdxRegionTable.Alignment || current.LogOffset > (ulong)source.Length || current.LogLength > (ulong)source.Length - current.LogOffset)
            {
                throw new InvalidDiskImageException($"The VHDX log ({current.LogLength} bytes at byte {current.LogOffset}) is misplaced or lies beyond the end of the {source.Length}-byte file.");
            }
        }

        return current;
    }
}
