namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// Partition type GUIDs (UEFI spec §5.3.3 and the Discoverable Partitions Specification) and MBR type bytes,
/// with the names reports show.
/// </summary>
public static class PartitionTypes
{
    public static readonly Guid EfiSystem = new("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    public static readonly Guid BiosBoot = new("21686148-6449-6E6F-744E-656564454649");
    public static readonly Guid LinuxFileSystem = new("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    public static readonly Guid LinuxLvm = new("E6D6D379-F507-44C2-A23C-238F2A3DF928");
    public static readonly Guid LinuxSwap = new("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
    public static readonly Guid LinuxRaid = new("A19D880F-05FC-4D3B-A006-743F0F84911E");
    public static readonly Guid LinuxRootX86_64 = new("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
    public static readonly Guid LinuxRootArm64 = new("B921B045-1DF0-41C3-AF44-4C6F280D3FAE");
    public static readonly Guid LinuxExtendedBoot = new("BC13C2FF-59E6-4262-A352-B275FD6F7172");
    public static readonly Guid LinuxHome = new("933AC7E1-2EB4-4F13-B844-0E14E2AEF915");
    public static readonly Guid MicrosoftBasicData = new("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    public static readonly Guid MicrosoftReserved = new("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");
    public static readonly Guid WindowsRecovery = new("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC");
    public static readonly Guid LdmMetadata = new("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3");
    public static readonly Guid LdmData = new("AF9B60A0-1431-4F62-BC68-3311714A69AD");

    private static readonly Dictionary<Guid, string> GuidNames = new()
    {
        [EfiSystem] = "EFI system",
        [BiosBoot] = "BIOS boot",
        [LinuxFileSystem] = "Linux filesystem",
        [LinuxLvm] = "Linux LVM",
        [LinuxSwap] = "Linux swap",
        [LinuxRaid] = "Linux RAID",
        [LinuxRootX86_64] = "Linux root (x86-64)",
        [LinuxRootArm64] = "Linux root (ARM64)",
        [LinuxExtendedBoot] = "Linux extended boot",
        [LinuxHome] = "Linux home",
        [MicrosoftBasicData] = "Microsoft basic data",
        [MicrosoftReserved] = "Microsoft reserved",
        [WindowsRecovery] = "Windows recovery environment",
        [LdmMetadata] = "Windows LDM metadata (dynamic disk)",
        [LdmData] = "Windows LDM data (dynamic disk)",
    };

    private static readonly Dictionary<byte, string> MbrNames = new()
    {
        [0x01] = "FAT12",
        [0x04] = "FAT16 <32M",
        [0x05] = "Extended",
        [0x06] = "FAT16",
        [0x07] = "HPFS/NTFS/exFAT",
        [0x0B] = "W95 FAT32",
        [0x0C] = "W95 FAT32 (LBA)",
        [0x0E] = "W95 FAT16 (LBA)",
        [0x0F] = "W95 Extended (LBA)",
        [0x27] = "Hidden NTFS WinRE",
        [0x42] = "Windows LDM (dynamic disk)",
        [0x82] = "Linux swap",
        [0x83] = "Linux",
        [0x85] = "Linux extended",
        [0x8E] = "Linux LVM",
        [0xEE] = "GPT protective",
        [0xEF] = "EFI (FAT-12/16/32)",
        [0xFD] = "Linux raid autodetect",
    };

    /// <summary>The name of a GPT type GUID, or the GUID itself when unknown.</summary>
    public static string NameOf(Guid type) => GuidNames.TryGetValue(type, out var name) ? name : type.ToString("D").ToUpperInvariant();

    /// <summary>The name of an MBR type byte, e.g. "Linux (0x83)".</summary>
    public static string NameOf(byte mbrType) =>
        MbrNames.TryGetValue(mbrType, out var name) ? $"{name} (0x{mbrType:X2})" : $"Unknown (0x{mbrType:X2})";

    /// <summary>MBR types that hold a chain of extended boot records.</summary>
    public static bool IsMbrExtended(byte mbrType) => mbrType is 0x05 or 0x0F or 0x85;
}
