namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>One entry of an $I30 index node: the file it names (MFT reference at 0x00) and its $FILE_NAME key.</summary>
internal sealed record NtfsIndexEntry(long RecordNumber, ushort Sequence, NtfsFileName Name);
