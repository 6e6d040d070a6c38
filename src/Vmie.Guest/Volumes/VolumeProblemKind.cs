namespace Vmie.Guest.Volumes;

public enum VolumeProblemKind
{
    /// <summary>A disk's partition table cannot be read (e.g. both GPT headers damaged).</summary>
    CorruptPartitionTable,

    /// <summary>A Windows dynamic disk (LDM): unsupported (spec §4.3, §4.4).</summary>
    DynamicDisk,

    /// <summary>A LUKS or BitLocker volume: guest-encrypted volumes are unsupported (spec §5.1 point 3).</summary>
    EncryptedVolume,

    /// <summary>An LVM physical volume, volume group or logical volume cannot be assembled (spec §13.5 L4).</summary>
    LvmActivationFailed,
}
