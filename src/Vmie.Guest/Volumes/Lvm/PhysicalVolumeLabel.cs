using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// An LVM2 physical volume label (LVM2 on-disk format, label.h / format-text layout): a 512-byte sector among
/// the first four holding "LABELONE", its own sector number, a checksum of bytes 20-511, the offset of the
/// pv_header and "LVM2 001". The pv_header holds the PV UUID (32 characters), the device size and two
/// zero-terminated lists of (offset, size) disk areas: data areas, then metadata areas.
/// </summary>
internal sealed record PhysicalVolumeLabel(string Uuid, ulong DeviceSize, IReadOnlyList<(ulong Offset, ulong Size)> DataAreas, IReadOnlyList<(ulong Offset, ulong Size)> MetadataAreas)
{
    private const int SectorSize = 512;

    /// <summary>The label, or null when the device has none. A label that is present but damaged throws.</summary>
    public static async ValueTask<PhysicalVolumeLabel?> ReadAsync(IBlockSource device, CancellationToken cancellationToken)
    {
        var head = await BlockReads.ReadAsync(device, 0, 4 * SectorSize, cancellationToken).ConfigureAwait(false);
        for (var sector = 0; sector < 4; sector++)
        {
            var label = head.AsSpan(sector * SectorSize, SectorSize);
            if (label.StartsWith("LABELONE"u8) && label.Slice(24, 8).SequenceEqual("LVM2 001"u8))
            {
                return Parse(label, sector);
            }
        }

        return null;
    }

    private static PhysicalVolumeLabel Parse(ReadOnlySpan<byte> label, int sector)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(label[8..]) != (ulong)sector)
        {
            throw new CorruptVolumeException($"The LVM2 label in sector {sector} names sector {BinaryPrimitives.ReadUInt64LittleEndian(label[8..])}.");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(label[16..]);
        var computed = LvmChecksum.Compute(label[20..]);
        if (stored != computed)
        {
            throw new CorruptVolumeException($"The LVM2 label in sector {sector} has a bad checksum (stored 0x{stored:X8}, computed 0x{computed:X8}).");
        }

        var offset = BinaryPrimitives.ReadUInt32LittleEndian(label[20..]);
        if (offset < 32 || offset > SectorSize - 32 - 8 - 32)
        {
            throw new CorruptVolumeException($"The LVM2 label's pv_header offset {offset} is invalid.");
        }

        var header = label[(int)offset..];
        var uuid = LvmIds.Format(header[..32]);
        var deviceSize = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        var position = 40;
        var data = ReadAreaList(header, ref position);
        var metadata = ReadAreaList(header, ref position);
        return new PhysicalVolumeLabel(uuid, deviceSize, data, metadata);
    }

    private static List<(ulong, ulong)> ReadAreaList(ReadOnlySpan<byte> header, ref int position)
    {
        var areas = new List<(ulong, ulong)>();
        while (true)
        {
            if (position + 16 > header.Length)
            {
                throw new CorruptVolumeException("The LVM2 pv_header's list of disk areas runs past the end of its sector.");
            }

            var offset = BinaryPrimitives.ReadUInt64LittleEndian(header[position..]);
            var size = BinaryPrimitives.ReadUInt64LittleEndian(header[(position + 8)..]);
            position += 16;
            if (offset == 0)
            {
                return areas;
            }

            areas.Add((offset, size));
        }
    }
}
