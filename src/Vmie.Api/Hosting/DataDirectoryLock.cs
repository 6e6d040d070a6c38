namespace Vmie.Api.Hosting;

/// <summary>
/// Exclusive ownership of a data directory for the life of one server. Start-up cleans what a crash left
/// behind (temporary files, unreferenced blocks and bodies), which is only safe when no other process is
/// writing there; a second server on the same directory is therefore refused before it touches anything.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "vmie.lock";

    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream stream) => _lock = stream;

    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            // FileShare.None is an exclusive advisory lock on Unix (.NET takes flock), held until disposed.
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new DataDirectoryInUseException($"The data directory '{dataDirectory}' is in use by another vmie process ({e.Message.TrimEnd('.')}). Stop it, or pass another --data-dir.", e);
        }
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>Another server already owns the data directory.</summary>
public sealed class DataDirectoryInUseException(string message, Exception inner) : IOException(message, inner);
