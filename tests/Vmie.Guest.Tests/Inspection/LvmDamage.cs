namespace Vmie.Guest.Tests.Inspection;

/// <summary>How <see cref="DebianImage.LvmDisk"/> breaks its volume group, for the "activation failed" verdict.</summary>
internal enum LvmDamage
{
    None,

    /// <summary>The root LV's second segment lies on a second PV that is not among the disks.</summary>
    MissingPhysicalVolume,

    /// <summary>A byte of the metadata text is changed after its checksum was written.</summary>
    BadMetadataChecksum,
}
