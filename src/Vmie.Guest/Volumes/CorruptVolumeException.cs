namespace Vmie.Guest.Volumes;

/// <summary>A partition table or volume manager structure is damaged or lies: a bad signature, checksum, offset, count or a loop.</summary>
public sealed class CorruptVolumeException : Exception
{
    public CorruptVolumeException(string message)
        : base(message)
    {
    }

    public CorruptVolumeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
