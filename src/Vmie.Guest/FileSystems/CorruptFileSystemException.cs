namespace Vmie.Guest.FileSystems;

/// <summary>A file system structure is damaged or lies: a bad magic, checksum, offset, count or a loop.</summary>
public sealed class CorruptFileSystemException : Exception
{
    public CorruptFileSystemException(string message)
        : base(message)
    {
    }

    public CorruptFileSystemException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
