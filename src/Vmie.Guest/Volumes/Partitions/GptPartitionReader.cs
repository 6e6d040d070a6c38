using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// Reads a GUID partition table (UEFI spec §5.3): the primary header at LBA 1 and its entry array, both
/// CRC-checked; when either is damaged, the backup header in the disk's last LBA and its array. Entries
/// (§5.3.3) are type GUID, unique GUID, first and last LBA (inclusive), attributes and a UTF-16LE name.
/// </summary>
internal static class GptPartitionReader
{
    private const ulong LegacyBiosBootableAttribute = 1UL << 2;

    /// <summary>Sector sizes a GPT may be laid out in: 512 and 4096 ("4Kn") bytes.</summary>
    private static readonly int[] SectorSizes = [512, 4096];

    /// <summary>True when a GPT header signature sits at LBA 1 for one of the sector sizes.</summary>
    public static async ValueTask<bool> HasPrimarySignatureAsync(IBlockSource disk, CancellationToken cancellationToken)
    {
        foreach (var size in SectorSizes)
        {
            var bytes = await BlockReads.ReadAsync(disk, size, 8, cancellationToken).ConfigureAwait(false);
            if (bytes.AsSpan().SequenceEqual(GptHeader.Signature))
            {
                return true;
            }
        }

        return false;
    }

    public static async ValueTask<PartitionTable> ReadAsync(IBlockSource disk, MbrSector mbr, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var sectorSize in SectorSizes)
        {
            var diskSectors = disk.Length / sectorSize;
            if (diskSectors < 3)
            {
                continue;
            }

            var primary = await TryReadAsync(disk, sectorSize, 1, diskSectors, cancellationToken).ConfigureAwait(false);
            if (primary.Entries is not null)
            {
                return Build(disk, mbr, sectorSize, primary.Header!, primary.Entries, usedBackup: false, []);
            }

            var backup = await TryReadAsync(disk, sectorSize, diskSectors - 1, diskSectors, cancellationToken).ConfigureAwait(false);
            if (backup.Entries is not null)
            {
                var warning = $"The primary GPT header is damaged ({primary.Problem}); the backup GPT header at LBA {diskSectors - 1} was used.";
                return Build(disk, mbr, sectorSize, backup.Header!, backup.Entries, usedBackup: true, [warning]);
            }

            // Only report the sector size whose signature was actually there: a 512-byte disk says nothing at 4096.
            if (primary.Problem != "no \"EFI PART\" signature" || backup.Problem != "no \"EFI PART\" signature")
            {
                problems.Add($"{sectorSize}-byte sectors: primary header: {primary.Problem}; backup header: {backup.Problem}");
            }
        }

        throw new CorruptVolumeException(problems.Count == 0
            ? "The disk has a GPT protective MBR but no GPT header, primary or backup."
            : "Neither GPT header is usable (" + string.Join("; ", problems) + ").");
    }

    private static async ValueTask<(GptHeader? Header, byte[]? Entries, string Problem)> TryReadAsync(
        IBlockSource disk, int sectorSize, long lba, long diskSectors, CancellationToken cancellationToken)
    {
        var sector = await BlockReads.ReadAsync(disk, lba * sectorSize, sectorSize, cancellationToken).ConfigureAwait(false);
        var header = GptHeader.TryParse(sector, lba, diskSectors, out var problem);
        if (header is null)
        {
            return (null, null, problem);
        }

        var entries = await BlockReads.ReadAsync(disk, header.EntriesLba * sectorSize, header.EntryCount * header.EntrySize, cancellationToken).ConfigureAwait(false);
        var crc = Crc32.HashToUInt32(entries);
        if (crc != header.EntriesCrc)
        {
            return (header, null, $"partition entry array CRC-32 mismatch (stored 0x{header.EntriesCrc:X8}, computed 0x{crc:X8})");
        }

        return (header, entries, "");
    }

    private static PartitionTable Build(IBlockSource disk, MbrSector mbr, int sectorSize, GptHeader header, byte[] entries, bool usedBackup, List<string> warnings)
    {
        var protective = ClassifyMbr(mbr);
        if (protective == ProtectiveMbrKind.Missing)
        {
            warnings.Add("The disk has a GPT but no protective MBR (no 0xEE entry in sector 0).");
        }

        var partitions = new List<Partition>();
        for (var i = 0; i < header.EntryCount; i++)
        {
            var entry = entries.AsSpan(i * header.EntrySize, header.EntrySize);
            var type = new Guid(entry[..16]);
            if (type == Guid.Empty)
            {
                continue;
            }

            var first = BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);
            var last = BinaryPrimitives.ReadUInt64LittleEndian(entry[40..]);
            var number = i + 1;
            if (last < first || last > (ulong)header.LastUsableLba || first < (ulong)header.FirstUsableLba)
            {
                warnings.Add($"GPT entry {number} (LBA {first}-{last}) lies outside the usable LBAs {header.FirstUsableLba}-{header.LastUsableLba}; it is ignored.");
                continue;
            }

            var attributes = BinaryPrimitives.ReadUInt64LittleEndian(entry[48..]);
            var start = (long)first * sectorSize;
            partitions.Add(new Partition
            {
                Number = number,
                Start = start,
                Length = (long)(last - first + 1) * sectorSize,
                TypeGuid = type,
                UniqueGuid = new Guid(entry.Slice(16, 16)),
                TypeName = PartitionTypes.NameOf(type),
                Name = DecodeName(entry.Slice(56, 72)),
                Attributes = attributes,
                IsActive = (attributes & LegacyBiosBootableAttribute) != 0 || IsActiveInHybridMbr(mbr, protective, start),
            });
        }

        PartitionChecks.WarnAboutBoundsAndOverlaps(disk.Length, partitions, warnings);
        return new PartitionTable
        {
            Kind = PartitionTableKind.Gpt,
            SectorSize = sectorSize,
            Partitions = partitions,
            Warnings = warnings,
            DiskSignature = mbr.HasSignature ? mbr.DiskSignature : null,
            HasBootCode = mbr.HasSignature && mbr.HasBootCode,
            DiskGuid = header.DiskGuid,
            ProtectiveMbr = protective,
            UsedBackupGpt = usedBackup,
        };
    }

    private static ProtectiveMbrKind ClassifyMbr(MbrSector mbr)
    {
        if (!mbr.HasSignature || !mbr.HasGptProtectiveEntry)
        {
            return ProtectiveMbrKind.Missing;
        }

        return mbr.Entries.Any(e => !e.IsEmpty && e.Type != 0xEE) ? ProtectiveMbrKind.Hybrid : ProtectiveMbrKind.Protective;
    }

    private static bool IsActiveInHybridMbr(MbrSector mbr, ProtectiveMbrKind kind, long start) =>
        kind == ProtectiveMbrKind.Hybrid && mbr.Entries.Any(e => e.IsActive && e.Type != 0xEE && (long)e.FirstLba * MbrSector.Size == start);

    private static string DecodeName(ReadOnlySpan<byte> raw)
    {
        var name = Encoding.Unicode.GetString(raw);
        var end = name.IndexOf('\0', StringComparison.Ordinal);
        return end < 0 ? name : name[..end];
    }
}
