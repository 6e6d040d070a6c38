namespace Vmie.Disks.Vhdx;

/// <summary>The state of a payload block, the low 3 bits of its BAT entry ([MS-VHDX] 2.5.1.1).</summary>
internal enum VhdxPayloadBlockState
{
    NotPresent = 0,
    Undefined = 1,
    Zero = 2,
    Unmapped = 3,
    FullyPresent = 6,
    PartiallyPresent = 7,
}
