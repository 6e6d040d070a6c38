namespace Vmie.Guest.Linux.Initramfs;

/// <summary>One member of an initramfs: its path without a leading "/" or "./", POSIX mode bits and data size.</summary>
public sealed record InitramfsEntry(string Path, uint Mode, long Size)
{
    private const uint TypeMask = 0xF000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    public bool IsFile => (Mode & TypeMask) == 0x8000;

    public bool IsSymlink => (Mode & TypeMask) == 0xA000;
}
