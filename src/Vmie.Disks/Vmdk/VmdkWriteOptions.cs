using System.IO.Compression;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// Choices for <see cref="StreamOptimizedVmdkWriter"/>. The defaults are what VMware's own OVF export writes,
/// which ESXi/vSphere 4, 5 and 6 and later all import: adapter "lsilogic", virtual hardware version 4.
/// </summary>
public sealed record VmdkWriteOptions
{
    /// <summary>The adapter types a VMDK descriptor may name ("Virtual Disk Format 5.0", "The Disk Database").</summary>
    public static IReadOnlyList<string> AdapterTypes { get; } = ["ide", "buslogic", "lsilogic", "legacyESX"];

    /// <summary>
    /// ddb.adapterType: ide, buslogic, lsilogic or legacyESX (case-insensitive). It also picks the BIOS geometry
    /// (16 heads for ide, 255 for SCSI). SAS and paravirtual controllers use "lsilogic": the controller itself is
    /// declared by the VM (OVF/VMX), not by the disk.
    /// </summary>
    public string AdapterType { get; init; } = "lsilogic";

    /// <summary>
    /// ddb.virtualHWVersion: the oldest virtual hardware that may use the disk. 4 (VMware's export default) is
    /// accepted by every ESXi from 3.5 on; a higher value only restricts where the disk can go.
    /// </summary>
    public int HardwareVersion { get; init; } = 4;

    /// <summary>
    /// zlib compression level, 1 (fastest) to 9 (smallest). Measured on 512 MiB of text plus 512 MiB of random
    /// data: level 2 takes half the CPU time of qemu's level 6 for output 2% larger; level 1 saves another third
    /// of the time but its output is 6% larger (27% on the text alone), level 3 and up cost far more time to save at most 2%.
    /// The bytes depend on the level and on the runtime's zlib, never on the worker count.
    /// </summary>
    public int CompressionLevel { get; init; } = 2;

    /// <summary>Threads that read and compress grains at once. The output is the same whatever the count.</summary>
    public int WorkerCount { get; init; } = Environment.ProcessorCount;

    /// <summary>The descriptor's CID (content id); a random one when null. Set it for byte-identical output across runs.</summary>
    public uint? ContentId { get; init; }

    /// <summary>The file name the descriptor's extent line names (the name the .vmdk will have, e.g. inside an OVA).</summary>
    public string ExtentFileName { get; init; } = "disk.vmdk";

    /// <summary>Checks every choice; a wrong one is an <see cref="ArgumentException"/> naming it.</summary>
    internal string CanonicalAdapterType()
    {
        if (AdapterType is "lsisas" or "pvscsi")
        {
            throw new ArgumentException($"A VMDK's adapter type cannot be \"{AdapterType}\": disks on SAS and paravirtual SCSI controllers declare \"lsilogic\" (the controller belongs to the VM's OVF/VMX).", nameof(AdapterType));
        }

        return AdapterTypes.FirstOrDefault(known => string.Equals(known, AdapterType, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown VMDK adapter type \"{AdapterType}\"; expected one of {string.Join(", ", AdapterTypes)}.", nameof(AdapterType));
    }

    internal void Validate()
    {
        CanonicalAdapterType();
        if (HardwareVersion is < 3 or > 99)
        {
            throw new ArgumentException($"A VMDK virtual hardware version must be from 3 to 99, not {HardwareVersion}.", nameof(HardwareVersion));
        }

        if (CompressionLevel is < 1 or > 9)
        {
            throw new ArgumentException($"A zlib compression level must be from 1 to 9, not {CompressionLevel}.", nameof(CompressionLevel));
        }

        if (WorkerCount < 1)
        {
            throw new ArgumentException($"The worker count must be at least 1, not {WorkerCount}.", nameof(WorkerCount));
        }

        if (string.IsNullOrWhiteSpace(ExtentFileName) || ExtentFileName.Length > 255
            || ExtentFileName.Any(c => c is '"' or '/' or '\\' || char.IsControl(c)))
        {
            throw new ArgumentException($"The extent file name \"{ExtentFileName}\" must be a plain file name of at most 255 characters, without quotes, slashes or control characters.", nameof(ExtentFileName));
        }
    }

    internal ZLibCompressionOptions ZLibOptions() => new() { CompressionLevel = CompressionLevel };
}
