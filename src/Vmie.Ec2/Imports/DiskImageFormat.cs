using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Imports;

/// <summary>The disk image formats the import operations name, and which of them this version can convert.</summary>
public static class DiskImageFormat
{
    public const string Ova = "OVA";
    public const string Vhd = "VHD";
    public const string Vhdx = "VHDX";
    public const string Vmdk = "VMDK";
    public const string Raw = "RAW";

    public static readonly IReadOnlyList<string> ImportSnapshotFormats = [Vhd, Vhdx, Vmdk, Raw];

    public static readonly IReadOnlyList<string> ImportImageFormats = [Ova, Vmdk, Vhd, Vhdx, Raw];

    /// <summary>Formats with a reader in this version; the others are refused before a task is created.</summary>
    public static readonly IReadOnlyList<string> Convertible = [Vhd, Vhdx, Vmdk, Raw];

    /// <summary>Checks DiskContainer.Format for ImportSnapshot and returns it upper-cased.</summary>
    public static string ParseForImportSnapshot(string? format)
    {
        var upper = Normalise("DiskContainer.Format", format);
        if (upper == Ova)
        {
            throw Ec2Errors.InvalidParameterValue(
                "The disk image format OVA is not supported by ImportSnapshot, which imports a single disk. Use ImportImage to import an OVA, or extract its disk and import that.");
        }

        if (!ImportSnapshotFormats.Contains(upper))
        {
            throw Ec2Errors.InvalidValue("DiskContainer.Format", format, $"Valid values: {string.Join(", ", ImportSnapshotFormats)}.");
        }

        RequireConvertible(upper);
        return upper;
    }

    /// <summary>Checks one ImportImage disk container's Format (<paramref name="parameter"/> names it) and returns it upper-cased.</summary>
    public static string ParseForImportImage(string parameter, string? format)
    {
        var upper = Normalise(parameter, format);
        if (!ImportImageFormats.Contains(upper))
        {
            throw Ec2Errors.InvalidValue(parameter, format, $"Valid values: {string.Join(", ", ImportImageFormats)}.");
        }

        // An OVA holds disks of the convertible formats; the package itself is read by the task.
        if (upper != Ova)
        {
            RequireConvertible(upper);
        }

        return upper;
    }

    private static string Normalise(string parameter, string? format)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            throw Ec2Errors.MissingParameter(parameter);
        }

        return format.Trim().ToUpperInvariant();
    }

    private static void RequireConvertible(string upper)
    {
        if (!Convertible.Contains(upper))
        {
            throw Ec2Errors.InvalidParameterValue(
                $"The disk image format {upper} is not supported by this version of vmie yet; only {string.Join(", ", Convertible)} images can be imported. Convert the image to raw first (for example: qemu-img convert -O raw disk.{upper.ToLowerInvariant()} disk.raw) and import that.");
        }
    }
}
