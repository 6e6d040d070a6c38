namespace Vmie.Disks.Abstractions;

/// <summary>
/// The image is not what it claims to be, or is damaged: a bad signature or checksum, an offset or count
/// out of bounds, a loop in a table, a file shorter than its structures. The message says what and where,
/// in the words an import's "ClientError: Disk validation failed [...]" status message carries.
/// </summary>
public class InvalidDiskImageException : Exception
{
    public InvalidDiskImageException(string message)
        : base(message)
    {
    }

    public InvalidDiskImageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// A well-formed image of a kind vmie (like AWS) does not accept: a differencing VHD, a split or SEsparse
/// VMDK, an unknown compression algorithm. The message is the documented error text where there is one.
/// </summary>
public sealed class UnsupportedDiskImageException : InvalidDiskImageException
{
    public UnsupportedDiskImageException(string message)
        : base(message)
    {
    }
}
