namespace Vmie.Disks.Detection;

/// <summary>What a file's content says it is, whatever its name or declared format claims.</summary>
public enum DiskFormat
{
    /// <summary>No known signature: the bytes are the disk.</summary>
    Raw,

    /// <summary>A VMDK sparse extent (KDMV header): monolithicSparse or streamOptimized.</summary>
    Vmdk,

    /// <summary>A VMDK text descriptor that names extents in other files (monolithicFlat, split...).</summary>
    VmdkDescriptor,

    /// <summary>A VHD (conectix footer), fixed, dynamic or differencing.</summary>
    Vhd,

    /// <summary>A VHDX (vhdxfile signature).</summary>
    Vhdx,

    /// <summary>A tar archive: an OVA.</summary>
    Ova,

    /// <summary>QEMU copy-on-write image, which AWS does not accept.</summary>
    Qcow2,

    /// <summary>VirtualBox disk image, which AWS does not accept.</summary>
    Vdi,
}
