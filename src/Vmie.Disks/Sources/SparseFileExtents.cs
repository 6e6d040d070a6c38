using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Sources;

/// <summary>
/// The data extents of a (possibly sparse) file, from lseek(SEEK_DATA / SEEK_HOLE). Reading a hole is not
/// free: the kernel zero-fills page-cache pages for it, which costs more than the data itself in a mostly
/// empty disk image. Where the system cannot tell, the whole file is one extent.
/// </summary>
public static partial class SparseFileExtents
{
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int NoSuchDeviceOrAddress = 6; // ENXIO: no data at or after the offset

    /// <param name="offsetInDisk">Added to every extent, for files that are a segment of a larger source.</param>
    public static IEnumerable<DiskExtent> Enumerate(SafeFileHandle handle, long length, long offsetInDisk = 0)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (length <= 0)
        {
            yield break;
        }

        if (!OperatingSystem.IsLinux())
        {
            yield return new DiskExtent(offsetInDisk, length);
            yield break;
        }

        var descriptor = (int)handle.DangerousGetHandle();
        long position = 0;
        while (position < length)
        {
            var data = Seek(descriptor, position, SeekData, out var error);
            if (data < 0)
            {
                if (error != NoSuchDeviceOrAddress)
                {
                    // Unsupported here: treat the rest as data rather than guess.
                    yield return new DiskExtent(offsetInDisk + position, length - position);
                }

                yield break;
            }

            if (data >= length)
            {
                yield break;
            }

            var hole = Seek(descriptor, data, SeekHole, out _);
            var end = hole < 0 ? length : Math.Min(hole, length);
            yield return new DiskExtent(offsetInDisk + data, end - data);
            position = end;
        }
    }

    private static long Seek(int descriptor, long offset, int whence, out int error)
    {
        // lseek moves the descriptor's file offset, which positional reads (pread) never use.
        var result = LSeek(descriptor, offset, whence);
        error = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        return result;
    }

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int descriptor, long offset, int whence);
}
