namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>Attribute type codes (as $AttrDef defines them on every volume).</summary>
internal enum NtfsAttributeType : uint
{
    StandardInformation = 0x10,
    AttributeList = 0x20,
    FileName = 0x30,
    VolumeName = 0x60,
    Data = 0x80,
    IndexRoot = 0x90,
    IndexAllocation = 0xA0,
    Bitmap = 0xB0,
    ReparsePoint = 0xC0,
    End = 0xFFFFFFFF,
}
