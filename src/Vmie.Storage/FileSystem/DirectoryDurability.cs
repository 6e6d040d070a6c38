using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Vmie.Storage.FileSystem;

/// <summary>
/// Makes a directory's entries durable (fsync of the directory itself). A file renamed into place is only
/// guaranteed to survive a power cut once its directory is synced; a metadata row pointing at it must not
/// commit before that.
/// </summary>
public static class DirectoryDurability
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux

    public static void Flush(string directoryPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere directory entries cannot be synced this way; the file's own flush is what we have.
            return;
        }

        var descriptor = Open(directoryPath, ReadOnly | Directory);
        if (descriptor < 0)
        {
            throw Failure("opening", directoryPath);
        }

        try
        {
            if (FileSync(descriptor) != 0)
            {
                throw Failure("flushing", directoryPath);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static IOException Failure(string action, string path)
    {
        var error = Marshal.GetLastPInvokeError();
        return new IOException($"{char.ToUpperInvariant(action[0])}{action[1..]} the directory '{path}' to make a write durable failed: {new Win32Exception(error).Message}.", error);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FileSync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
