using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// What a commit needs: every block a manifest names must be on stable storage before the manifest
/// can be, or a power loss could leave a committed snapshot pointing at blocks that never reached the
/// disk. An fsync per block costs a journal commit each; on Linux we instead start writeback as each
/// block is written (so the disk works while we hash) and flush the whole file system once at commit,
/// which also makes the new directory entries durable. Elsewhere each block file is flushed as written.
/// </summary>
internal static class BlockDurability
{
    private const uint SyncFileRangeWrite = 2;

    /// <summary>Called with the handle of a block file just written, before it is closed and renamed.</summary>
    public static void BlockWritten(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux())
        {
            // Only a hint to start writeback now; the result is ignored because syncfs at commit is what
            // guarantees durability and reports failures.
            _ = SyncFileRange(handle, 0, 0, SyncFileRangeWrite);
        }
        else
        {
            RandomAccess.FlushToDisk(handle);
        }
    }

    /// <summary>Called once before a manifest is committed, with any open file on the store's file system.</summary>
    public static void BeforeCommit(SafeFileHandle anyFileOfTheStore)
    {
        if (OperatingSystem.IsLinux() && SyncFileSystem(anyFileOfTheStore) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"Flushing the snapshot store's file system to disk failed: {new Win32Exception(error).Message}.", error);
        }
    }

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole assembly.
    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SyncFileSystem(SafeFileHandle fd);

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SyncFileRange(SafeFileHandle fd, long offset, long length, uint flags);
}
