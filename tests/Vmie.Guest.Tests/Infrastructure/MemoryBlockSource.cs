using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>A block source over a byte array, for hand-made (often hostile) structures.</summary>
internal sealed class MemoryBlockSource(byte[] bytes) : IBlockSource
{
    public byte[] Bytes { get; } = bytes;

    public long Length => Bytes.Length;

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset >= Bytes.Length)
        {
            return ValueTask.FromResult(0);
        }

        var count = (int)Math.Min(buffer.Length, Bytes.Length - offset);
        Bytes.AsSpan((int)offset, count).CopyTo(buffer.Span);
        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
