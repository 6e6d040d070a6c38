namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>How <see cref="NtfsImageWriter"/> labels a volume.</summary>
/// <param name="Label">The volume label ($VOLUME_NAME).</param>
/// <param name="SerialNumber">The volume serial number in the boot sector.</param>
/// <param name="HiddenSectors">The partition's first LBA, as the boot sector's hidden sectors (0 for a bare volume).</param>
internal sealed record NtfsImageOptions(string Label = "", ulong SerialNumber = 0x0123_4567_89AB_CDEF, uint HiddenSectors = 0);
