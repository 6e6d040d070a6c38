using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Fuzz.Harness;

/// <summary>A fuzz input as a block source: the parsers see exactly these bytes, nothing from disk.</summary>
public sealed class MemoryBlockSource(ReadOnlyMemory<byte> bytes) : IBlockSource
{
    public long Length => bytes.Length;

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

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
