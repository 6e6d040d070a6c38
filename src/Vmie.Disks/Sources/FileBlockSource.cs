using Microsoft.Win32.SafeHandles;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Sources;

/// <summary>Random reads from a local file, without a shared file position (safe for parallel readers).</summary>
public sealed class FileBlockSource : ISparseBlockSource
{
    private readonly SafeFileHandle _handle;

    private FileBlockSource(SafeFileHandle handle, long length)
    {
        _handle = handle;
        Length = length;
    }

    public long Length { get; }

    public static FileBlockSource Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous | FileOptions.RandomAccess);
        return new FileBlockSource(handle, RandomAccess.GetLength(handle));
    }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var total = 0;
        while (total < buffer.Length && offset + total < Length)
        {
            var read = await RandomAccess.ReadAsync(_handle, buffer[total..], offset + total, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public IEnumerable<DiskExtent> GetDataExtents() => SparseFileExtents.Enumerate(_handle, Length);

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }
}
