using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Detection;

/// <summary>
/// Tells a disk image's format from its content: the signatures at the places each format's
/// specification puts them. A few small reads at the start and the end; never the whole file.
/// </summary>
public static class DiskFormatSniffer
{
    private const int HeadLength = 1024;
    private const int VhdFooterLength = 512;

    // Signatures, each from its format's specification.
    private static readonly byte[] VhdxSignature = "vhdxfile"u8.ToArray();          // [MS-VHDX] 2.2.1 file type identifier
    private static readonly byte[] VmdkSparseMagic = "KDMV"u8.ToArray();           // VMDK 5.0: SparseExtentHeader.magicNumber
    private static readonly byte[] VhdCookie = "conectix"u8.ToArray();             // VHD spec: hard disk footer cookie
    private static readonly byte[] TarMagic = "ustar"u8.ToArray();                 // POSIX.1 ustar header, offset 257
    private static readonly byte[] QcowMagic = [(byte)'Q', (byte)'F', (byte)'I', 0xFB];
    private const uint VdiSignature = 0xBEDA107F;                                  // VirtualBox VDI header, offset 64
    private const string VmdkDescriptorStart = "# Disk DescriptorFile";

    public static async Task<DiskFormat> DetectAsync(IBlockSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var head = new byte[(int)Math.Min(HeadLength, source.Length)];
        var headLength = await source.ReadAtAsync(0, head, cancellationToken).ConfigureAwait(false);
        var format = FromHead(head.AsSpan(0, headLength));
        if (format is not DiskFormat.Raw and not DiskFormat.VmdkDescriptor)
        {
            return format;
        }

        // A dynamic VHD also starts with a footer copy (caught above); a fixed one has it only at the end.
        return await HasVhdFooterAsync(source, cancellationToken).ConfigureAwait(false) ? DiskFormat.Vhd : format;
    }

    private static DiskFormat FromHead(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith(VhdxSignature))
        {
            return DiskFormat.Vhdx;
        }

        if (start.StartsWith(VmdkSparseMagic))
        {
            return DiskFormat.Vmdk;
        }

        if (start.StartsWith(QcowMagic))
        {
            return DiskFormat.Qcow2;
        }

        if (start.Length >= 68 && BinaryPrimitives.ReadUInt32LittleEndian(start[64..]) == VdiSignature)
        {
            return DiskFormat.Vdi;
        }

        if (start.Length >= 262 && start[257..262].SequenceEqual(TarMagic))
        {
            return DiskFormat.Ova;
        }

        if (start.StartsWith(VhdCookie))
        {
            return DiskFormat.Vhd;
        }

        return LooksLikeVmdkDescriptor(start) ? DiskFormat.VmdkDescriptor : DiskFormat.Raw;
    }

    /// <summary>
    /// The formats an import may declare (case-insensitive) and what each accepts: a declared format must match
    /// the content, or the import would convert the wrong thing.
    /// </summary>
    /// <returns>null when they agree, else the reason, worded for "Disk validation failed [...]".</returns>
    public static string? Mismatch(string declaredFormat, DiskFormat detected)
    {
        ArgumentNullException.ThrowIfNull(declaredFormat);
        var declared = declaredFormat.ToUpperInvariant();
        var agrees = (declared, detected) switch
        {
            ("RAW", DiskFormat.Raw) => true,
            ("VMDK", DiskFormat.Vmdk or DiskFormat.VmdkDescriptor) => true,
            ("VHD", DiskFormat.Vhd) => true,
            ("VHDX", DiskFormat.Vhdx) => true,
            ("OVA", DiskFormat.Ova) => true,
            _ => false,
        };
        if (agrees)
        {
            return null;
        }

        return detected switch
        {
            DiskFormat.Qcow2 or DiskFormat.Vdi => $"The file is a {Name(detected)} image, which is not a supported format; convert it to VMDK, VHD, VHDX or raw first",
            DiskFormat.Raw => $"The file has no {declared} signature; it is not a {declared} image (if it is a raw disk, declare the format RAW)",
            _ => $"The file is a {Name(detected)} image, not {declared}; declare the format {DeclaredName(detected)}",
        };
    }

    public static string Name(DiskFormat format) => format switch
    {
        DiskFormat.Raw => "raw",
        DiskFormat.Vmdk => "VMDK",
        DiskFormat.VmdkDescriptor => "VMDK descriptor",
        DiskFormat.Vhd => "VHD",
        DiskFormat.Vhdx => "VHDX",
        DiskFormat.Ova => "OVA",
        DiskFormat.Qcow2 => "QCOW2",
        DiskFormat.Vdi => "VDI",
        _ => format.ToString(),
    };

    private static string DeclaredName(DiskFormat format) => format switch
    {
        DiskFormat.VmdkDescriptor => "VMDK",
        DiskFormat.Raw => "RAW",
        _ => Name(format),
    };

    /// <summary>The VHD footer is the last 512 bytes (511 in images made before Virtual PC 2004).</summary>
    private static async Task<bool> HasVhdFooterAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        if (source.Length < VhdFooterLength)
        {
            return false;
        }

        var tail = new byte[VhdFooterLength];
        var read = await source.ReadAtAsync(source.Length - VhdFooterLength, tail, cancellationToken).ConfigureAwait(false);
        return read == VhdFooterLength && (tail.AsSpan().StartsWith(VhdCookie) || tail.AsSpan(1).StartsWith(VhdCookie));
    }

    private static bool LooksLikeVmdkDescriptor(ReadOnlySpan<byte> start)
    {
        var text = Encoding.ASCII.GetString(start).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return text.StartsWith(VmdkDescriptorStart, StringComparison.Ordinal);
    }
}
