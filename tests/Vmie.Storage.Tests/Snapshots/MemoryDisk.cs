using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Tests.Snapshots;

/// <summary>
/// A virtual disk over a byte array with declared extents (bytes outside them must be zero), that
/// records what it was asked to read and can be told to fail or to run a hook before a given read.
/// </summary>
internal sealed class MemoryDisk : IVirtualDisk
{
    private readonly byte[] _data;
    private readonly IReadOnlyList<DiskExtent> _extents;
    private int _reads;

    public MemoryDisk(byte[] data, IReadOnlyList<DiskExtent>? extents = null)
    {
        _data = data;
        _extents = extents ?? (data.Length > 0 ? [new DiskExtent(0, data.Length)] : []);
    }

    public long Capacity => _data.Length;

    /// <summary>Runs before the read with this zero-based number (every read when null).</summary>
    public Func<int, ValueTask>? BeforeRead { get; init; }

    public ConcurrentBag<(long Offset, int Length)> Reads { get; } = [];

    public ConcurrentDictionary<byte[], byte> BuffersSeen { get; } = new(ReferenceEqualityComparer.Instance);

    public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var extent in _extents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return extent;
        }
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var number = Interlocked.Increment(ref _reads) - 1;
        if (BeforeRead is not null)
        {
            await BeforeRead(number);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
        {
            BuffersSeen.TryAdd(segment.Array!, 0);
        }

        Reads.Add((offset, buffer.Length));
        if (offset >= _data.Length)
        {
            return 0;
        }

        var length = (int)Math.Min(buffer.Length, _data.Length - offset);
        _data.AsMemory((int)offset, length).CopyTo(buffer);
        return length;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
