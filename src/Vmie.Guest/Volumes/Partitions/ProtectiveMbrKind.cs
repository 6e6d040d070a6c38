namespace Vmie.Guest.Volumes.Partitions;

/// <summary>What sector 0 of a GPT disk holds (UEFI spec §5.2.3: protective MBR).</summary>
public enum ProtectiveMbrKind
{
    /// <summary>Not a GPT disk.</summary>
    NotApplicable,

    /// <summary>No MBR signature, or no 0xEE entry: firmware and tools may not see the GPT.</summary>
    Missing,

    /// <summary>One 0xEE entry and nothing else: the usual case.</summary>
    Protective,

    /// <summary>A 0xEE entry plus ordinary MBR entries that alias GPT partitions (gdisk's "hybrid MBR"): BIOS boots from them.</summary>
    Hybrid,
}
