using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>
/// The 512-byte hard disk footer (VHD specification, "Hard Disk Footer Format"): at the end of every VHD,
/// and copied at offset 0 of dynamic and differencing disks. All fields are big-endian.
/// </summary>
public sealed record VhdFooter
{
    public const int Size = 512;
    public const int SectorSize = 512;

    /// <summary>"Data Offset" of a fixed disk: there is no further structure.</summary>
    public const ulong NoDataOffset = ulong.MaxValue;

    private const int ChecksumOffset = 64;
    private const uint FeaturesReserved = 0x00000002;
    private const uint FileFormatVersion = 0x00010000;
    private static readonly DateTimeOffset TimestampEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ReadOnlySpan<byte> Cookie => "conectix"u8;

    /// <summary>Absolute offset of the dynamic disk header, or <see cref="NoDataOffset"/>.</summary>
    public required ulong DataOffset { get; init; }

    /// <summary>Seconds since 2000-01-01 00:00:00 UTC.</summary>
    public required uint Timestamp { get; init; }

    /// <summary>Four bytes naming the application that created the image ("win ", "qemu", "vmie"...).</summary>
    public required uint CreatorApplication { get; init; }

    public required uint CreatorVersion { get; init; }

    public required uint CreatorHostOs { get; init; }

    public required ulong OriginalSize { get; init; }

    public required ulong CurrentSize { get; init; }

    public required VhdDiskGeometry Geometry { get; init; }

    public required VhdDiskType DiskType { get; init; }

    public required Guid UniqueId { get; init; }

    public required bool SavedState { get; init; }

    /// <summary>The creator application as text, with NULs shown as \0 ("tap\0").</summary>
    public string CreatorApplicationText
    {
        get
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, CreatorApplication);
            var text = new StringBuilder(8);
            foreach (var b in bytes)
            {
                text.Append(b == 0 ? "\\0" : b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
            }

            return text.ToString();
        }
    }

    /// <summary>
    /// The guest-visible size. The creator application decides which field is authoritative (field notes §5):
    /// Virtual PC ("vpc ") and qemu without force_size ("qemu") size disks by their CHS geometry; every other
    /// creator (Hyper-V "win ", Disk2vhd "d2v ", XenServer "tap\0", "CTXS", qemu force_size "qem2", Azure
    /// "wa\0\0", vmie "vmie"...) by current_size. A geometry at its maximum cannot express the size, so the
    /// current size wins there too.
    /// </summary>
    public long VirtualSize =>
        UsesGeometrySize && Geometry != VhdDiskGeometry.Maximum ? Geometry.Capacity : (long)CurrentSize;

    private bool UsesGeometrySize => CreatorApplication is 0x76706320 /* "vpc " */ or 0x71656D75 /* "qemu" */;

    public static uint CreatorFromText(string fourCharacters)
    {
        var bytes = Encoding.ASCII.GetBytes(fourCharacters);
        if (bytes.Length != 4)
        {
            throw new ArgumentException("A VHD creator application is exactly four ASCII characters.", nameof(fourCharacters));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    public static uint TimestampOf(DateTimeOffset time) =>
        (uint)Math.Clamp((long)(time - TimestampEpoch).TotalSeconds, 0, uint.MaxValue);

    /// <summary>True when <paramref name="bytes"/> starts with the footer cookie.</summary>
    public static bool HasCookie(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Cookie);

    /// <summary>Parses and checks a footer: cookie, checksum, and a size within the limits.</summary>
    public static VhdFooter Parse(ReadOnlySpan<byte> bytes, string where)
    {
        if (bytes.Length < Size || !HasCookie(bytes))
        {
            throw new InvalidDiskImageException($"The VHD footer {where} does not start with the cookie \"conectix\".");
        }

        bytes = bytes[..Size];
        var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[ChecksumOffset..]);
        var computed = VhdChecksum.Compute(bytes, ChecksumOffset);
        if (stored != computed)
        {
            throw new InvalidDiskImageException($"The VHD footer {where} has checksum 0x{stored:x8} but its bytes sum to 0x{computed:x8}.");
        }

        var footer = new VhdFooter
        {
            DataOffset = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(bytes[24..]),
            CreatorApplication = BinaryPrimitives.ReadUInt32BigEndian(bytes[28..]),
            CreatorVersion = BinaryPrimitives.ReadUInt32BigEndian(bytes[32..]),
            CreatorHostOs = BinaryPrimitives.ReadUInt32BigEndian(bytes[36..]),
            OriginalSize = BinaryPrimitives.ReadUInt64BigEndian(bytes[40..]),
            CurrentSize = BinaryPrimitives.ReadUInt64BigEndian(bytes[48..]),
            Geometry = new VhdDiskGeometry(BinaryPrimitives.ReadUInt16BigEndian(bytes[56..]), bytes[58], bytes[59]),
            DiskType = (VhdDiskType)BinaryPrimitives.ReadUInt32BigEndian(bytes[60..]),
            UniqueId = new Guid(bytes.Slice(68, 16), bigEndian: true),
            SavedState = bytes[84] != 0,
        };

        if (footer.CurrentSize >= DiskImageLimits.MaxVirtualSize)
        {
            throw new InvalidDiskImageException($"The VHD footer {where} declares a size of {footer.CurrentSize} bytes; disk images must be smaller than 16 TiB.");
        }

        DiskImageLimits.CheckVirtualSize(footer.VirtualSize, "VHD");
        return footer;
    }

    /// <summary>Writes the footer, checksum included, into the first 512 bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var bytes = destination[..Size];
        bytes.Clear();
        Cookie.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[8..], FeaturesReserved);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], FileFormatVersion);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], DataOffset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[24..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[28..], CreatorApplication);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[32..], CreatorVersion);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[36..], CreatorHostOs);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[40..], OriginalSize);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[48..], CurrentSize);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[56..], Geometry.Cylinders);
        bytes[58] = Geometry.Heads;
        bytes[59] = Geometry.SectorsPerTrack;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[60..], (uint)DiskType);
        UniqueId.TryWriteBytes(bytes.Slice(68, 16), bigEndian: true, out _);
        bytes[84] = SavedState ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[ChecksumOffset..], VhdChecksum.Compute(bytes, ChecksumOffset));
    }
}
