namespace Vmie.Guest.Linux.Initramfs;

/// <summary>
/// An initramfs/initrd that cannot be read through: unknown compression, a damaged stream or cpio archive,
/// or a size beyond the reader's caps. <see cref="StatusMessage"/> is the spec's error L3 (§13.5).
/// </summary>
public sealed class UnreadableInitramfsException : Exception
{
    public const string StatusMessage = "ClientError: We were unable to read your import's initramfs/initrd to determine what drivers your import requires to run in EC2.";

    public UnreadableInitramfsException(string detail)
        : base(detail)
    {
    }

    public UnreadableInitramfsException(string detail, Exception innerException)
        : base(detail, innerException)
    {
    }

    public UnreadableInitramfsException()
        : base(StatusMessage)
    {
    }
}
