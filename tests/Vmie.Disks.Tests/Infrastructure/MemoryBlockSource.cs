using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Tests.Infrastructure;

/// <summary>A block source over a byte array, for hand-built hostile inputs.</summary>
internal sealed class MemoryBlockSource(byte[] bytes) : IBlockSource
{
    public long Length => bytes.LongLength;

    public bool Disposed { get; private set; }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset >= bytes.LongLength)
        {
            return ValueTask.FromResult(0);
        }

        var count = (int)Math.Min(buffer.Length, bytes.LongLength - offset);
        bytes.AsMemory((int)offset, count).CopyTo(buffer);
        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
