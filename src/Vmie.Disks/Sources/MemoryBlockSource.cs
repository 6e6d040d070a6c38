using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Sources;

/// <summary>Bytes already in memory as a block source: small images built by hand, fuzz inputs, embedded data.</summary>
public sealed class MemoryBlockSource(ReadOnlyMemory<byte> bytes) : IBlockSource
{
    public long Length => bytes.Length;

    /// <summary>True once disposed: lets callers check that whoever owned the source released it.</summary>
    public bool IsDisposed { get; private set; }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= bytes.Length)
        {
            return ValueTask.FromResult(0);
        }

        var count = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.Slice((int)offset, count).CopyTo(buffer);
        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync()
    {
        IsDisposed = true;
        return ValueTask.CompletedTask;
    }
}
