namespace Vmie.Guest.FileSystems;

/// <summary>A file read whole into memory is larger than the caller allows.</summary>
public sealed class GuestFileTooLargeException(string path, long size, long limit)
    : Exception($"{path} holds {size} bytes, more than the {limit} bytes read for it.")
{
    public string Path { get; } = path;
}
