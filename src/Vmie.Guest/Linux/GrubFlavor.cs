namespace Vmie.Guest.Linux;

public enum GrubFlavor
{
    /// <summary>GRUB 0.9x: menu.lst / grub.conf.</summary>
    Legacy,

    /// <summary>GRUB 2: grub.cfg.</summary>
    Grub2,
}
