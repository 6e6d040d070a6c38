using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Probing;

/// <summary>
/// Tells what a volume holds from the magic numbers in its first 68 KiB, in the order blkid trusts them
/// (containers and encryption first, since they may hide stale file system signatures). Magic numbers:
/// LUKS "LUKS\xBA\xBE" at 0 (version at 6); BitLocker "-FVE-FS-" at 3; LVM2 "LABELONE" + "LVM2 001" in
/// sectors 0-3; swap "SWAPSPACE2"/"SWAP-SPACE" at page size - 10; XFS "XFSB" at 0; ext 0xEF53 at 1080;
/// Btrfs "_BHRfS_M" at 65600; JFS "JFS1" at 32768; ISO 9660 "CD001" at 32769; NTFS "NTFS    " and exFAT
/// "EXFAT   " at 3; FAT from a consistent BIOS parameter block (Microsoft FAT specification §3), its
/// type told as Linux tells it.
/// </summary>
public static class VolumeContentProbe
{
    private const int ProbeBytes = 0x11000;
    private const int ExtSuperblock = 1024;
    private const int BtrfsSuperblock = 0x10000;
    private const int JfsSuperblock = 0x8000;

    public static async ValueTask<VolumeContent> ProbeAsync(IBlockSource volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var head = await BlockReads.ReadAsync(volume, 0, (int)Math.Min(ProbeBytes, Math.Max(volume.Length, 0)), cancellationToken).ConfigureAwait(false);
        var padded = new byte[ProbeBytes];
        head.CopyTo(padded, 0);
        return Probe(padded);
    }

    /// <summary>Probes the first bytes of a volume (shorter input reads as zeros past its end).</summary>
    public static VolumeContent Probe(ReadOnlySpan<byte> head)
    {
        if (head.Length < ProbeBytes)
        {
            var padded = new byte[ProbeBytes];
            head.CopyTo(padded);
            return Probe(padded);
        }

        return ProbeLuks(head)
            ?? ProbeBitLocker(head)
            ?? ProbeLvm(head)
            ?? ProbeSwap(head)
            ?? ProbeXfs(head)
            ?? ProbeExt(head)
            ?? ProbeBtrfs(head)
            ?? ProbeJfs(head)
            ?? ProbeIso9660(head)
            ?? ProbeNtfs(head)
            ?? ProbeExFat(head)
            ?? ProbeFat(head)
            ?? VolumeContent.Unknown;
    }

    private static VolumeContent? ProbeLuks(ReadOnlySpan<byte> b)
    {
        ReadOnlySpan<byte> magic = [(byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE];
        if (!b.StartsWith(magic))
        {
            return null;
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(b[6..]);
        return version switch
        {
            1 => new VolumeContent { Kind = VolumeContentKind.Luks1, Uuid = Text(b.Slice(168, 40)) },
            2 => new VolumeContent { Kind = VolumeContentKind.Luks2, Uuid = Text(b.Slice(168, 40)), Label = Text(b.Slice(24, 48)) },
            _ => null,
        };
    }

    private static VolumeContent? ProbeBitLocker(ReadOnlySpan<byte> b) =>
        b.Slice(3, 8).SequenceEqual("-FVE-FS-"u8) ? new VolumeContent { Kind = VolumeContentKind.BitLocker } : null;

    private static VolumeContent? ProbeLvm(ReadOnlySpan<byte> b)
    {
        for (var sector = 0; sector < 4; sector++)
        {
            var label = b.Slice(sector * 512, 512);
            if (label.StartsWith("LABELONE"u8) && label.Slice(24, 8).SequenceEqual("LVM2 001"u8))
            {
                var pvHeader = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(label[20..]), 512 - 32);
                return new VolumeContent { Kind = VolumeContentKind.LvmPhysicalVolume, Uuid = Lvm.LvmIds.Format(label.Slice(pvHeader, 32)) };
            }
        }

        return null;
    }

    private static VolumeContent? ProbeSwap(ReadOnlySpan<byte> b)
    {
        foreach (var pageSize in (int[])[4096, 8192, 16384, 65536])
        {
            var magic = b.Slice(pageSize - 10, 10);
            if (magic.SequenceEqual("SWAPSPACE2"u8))
            {
                return new VolumeContent { Kind = VolumeContentKind.Swap, Uuid = FormatUuid(b.Slice(1036, 16)), Label = Text(b.Slice(1052, 16)) };
            }

            if (magic.SequenceEqual("SWAP-SPACE"u8))
            {
                return new VolumeContent { Kind = VolumeContentKind.Swap };
            }
        }

        return null;
    }

    private static VolumeContent? ProbeXfs(ReadOnlySpan<byte> b) =>
        b.StartsWith("XFSB"u8)
            ? new VolumeContent { Kind = VolumeContentKind.Xfs, Uuid = FormatUuid(b.Slice(32, 16)), Label = Text(b.Slice(108, 12)) }
            : null;

    private static VolumeContent? ProbeExt(ReadOnlySpan<byte> b)
    {
        var sb = b.Slice(ExtSuperblock, 1024);
        if (BinaryPrimitives.ReadUInt16LittleEndian(sb[0x38..]) != 0xEF53)
        {
            return null;
        }

        var compat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x5C..]);
        var incompat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x60..]);
        var roCompat = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x64..]);

        // ext3 understands only filetype, recover and meta_bg (incompat) and sparse_super, large_file and
        // btree_dir (ro_compat); anything more needs ext4. A journal without them is ext3.
        const uint Ext3Incompat = 0x02 | 0x04 | 0x10;
        const uint Ext3RoCompat = 0x01 | 0x02 | 0x04;
        const uint HasJournal = 0x04;
        var kind = (incompat & ~Ext3Incompat) != 0 || (roCompat & ~Ext3RoCompat) != 0
            ? VolumeContentKind.Ext4
            : (compat & HasJournal) != 0 ? VolumeContentKind.Ext3 : VolumeContentKind.Ext2;
        return new VolumeContent { Kind = kind, Uuid = FormatUuid(sb.Slice(0x68, 16)), Label = Text(sb.Slice(0x78, 16)) };
    }

    private static VolumeContent? ProbeBtrfs(ReadOnlySpan<byte> b)
    {
        var sb = b.Slice(BtrfsSuperblock, 0x1000);
        return sb.Slice(0x40, 8).SequenceEqual("_BHRfS_M"u8)
            ? new VolumeContent { Kind = VolumeContentKind.Btrfs, Uuid = FormatUuid(sb.Slice(0x20, 16)), Label = Text(sb.Slice(0x12B, 256)) }
            : null;
    }

    private static VolumeContent? ProbeJfs(ReadOnlySpan<byte> b)
    {
        var sb = b.Slice(JfsSuperblock, 512);
        return sb.StartsWith("JFS1"u8)
            ? new VolumeContent { Kind = VolumeContentKind.Jfs, Uuid = FormatUuid(sb.Slice(136, 16)), Label = Text(sb.Slice(152, 16)) }
            : null;
    }

    private static VolumeContent? ProbeIso9660(ReadOnlySpan<byte> b) =>
        b.Slice(0x8001, 5).SequenceEqual("CD001"u8)
            ? new VolumeContent { Kind = VolumeContentKind.Iso9660, Label = Text(b.Slice(0x8028, 32)) }
            : null;

    private static VolumeContent? ProbeNtfs(ReadOnlySpan<byte> b) =>
        b.Slice(3, 8).SequenceEqual("NTFS    "u8) && HasBootSignature(b)
            ? new VolumeContent { Kind = VolumeContentKind.Ntfs, Uuid = BinaryPrimitives.ReadUInt64LittleEndian(b[0x48..]).ToString("X16") }
            : null;

    private static VolumeContent? ProbeExFat(ReadOnlySpan<byte> b) =>
        b.Slice(3, 8).SequenceEqual("EXFAT   "u8) && HasBootSignature(b)
            ? new VolumeContent { Kind = VolumeContentKind.ExFat, Uuid = FormatSerial(BinaryPrimitives.ReadUInt32LittleEndian(b[100..])) }
            : null;

    private static VolumeContent? ProbeFat(ReadOnlySpan<byte> b)
    {
        var jump = (b[0] == 0xEB && b[2] == 0x90) || b[0] == 0xE9;
        var bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(b[11..]);
        var sectorsPerCluster = b[13];
        var reserved = BinaryPrimitives.ReadUInt16LittleEndian(b[14..]);
        var fats = b[16];
        var rootEntries = BinaryPrimitives.ReadUInt16LittleEndian(b[17..]);
        var media = b[21];
        if (!jump || bytesPerSector is not (512 or 1024 or 2048 or 4096) || sectorsPerCluster == 0
            || (sectorsPerCluster & (sectorsPerCluster - 1)) != 0 || reserved == 0 || fats is not (1 or 2)
            || (media != 0xF0 && media < 0xF8))
        {
            return null;
        }

        var totalSectors = BinaryPrimitives.ReadUInt16LittleEndian(b[19..]) is var t16 and not 0 ? t16 : BinaryPrimitives.ReadUInt32LittleEndian(b[32..]);
        var fatSize16 = BinaryPrimitives.ReadUInt16LittleEndian(b[22..]);
        var fatSize = fatSize16 != 0 ? fatSize16 : BinaryPrimitives.ReadUInt32LittleEndian(b[36..]);
        var rootSectors = ((rootEntries * 32L) + bytesPerSector - 1) / bytesPerSector;
        var metadata = reserved + (fats * (long)fatSize) + rootSectors;
        if (fatSize == 0 || totalSectors <= metadata)
        {
            return null;
        }

        var clusters = (totalSectors - metadata) / sectorsPerCluster;
        // Linux (kernel and blkid) takes a zero 16-bit FAT size as FAT32 whatever the cluster count, so
        // small FAT32 volumes that mkfs.vfat -F 32 makes stay FAT32; otherwise the cluster count decides.
        var kind = fatSize16 == 0 ? VolumeContentKind.Fat32 : clusters < 4085 ? VolumeContentKind.Fat12 : VolumeContentKind.Fat16;
        if (kind == VolumeContentKind.Fat32 && rootEntries != 0)
        {
            return null;
        }

        // The extended boot signature 0x29 says a serial number and label follow (offset 39/43, or 67/71 on FAT32).
        var extended = kind == VolumeContentKind.Fat32 ? 64 : 36;
        if (b[extended + 2] != 0x29)
        {
            return new VolumeContent { Kind = kind };
        }

        var label = Text(b.Slice(extended + 7, 11));
        return new VolumeContent
        {
            Kind = kind,
            Uuid = FormatSerial(BinaryPrimitives.ReadUInt32LittleEndian(b[(extended + 3)..])),
            Label = label == "NO NAME" ? null : label,
        };
    }

    private static bool HasBootSignature(ReadOnlySpan<byte> b) => b[510] == 0x55 && b[511] == 0xAA;

    /// <summary>16 bytes in on-disk order as 8-4-4-4-12 lowercase hex, or null when all zero.</summary>
    internal static string? FormatUuid(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.ContainsAnyExcept((byte)0))
        {
            return null;
        }

        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static string FormatSerial(uint serial) => $"{serial >> 16:X4}-{serial & 0xFFFF:X4}";

    /// <summary>A NUL- or space-padded text field, or null when empty.</summary>
    private static string? Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        var text = Encoding.UTF8.GetString(end < 0 ? field : field[..end]).TrimEnd(' ');
        return text.Length == 0 ? null : text;
    }
}
