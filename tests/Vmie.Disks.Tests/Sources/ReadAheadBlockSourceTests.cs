using System.Collections.Concurrent;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;

namespace Vmie.Disks.Tests.Sources;

public sealed class ReadAheadBlockSourceTests
{
    private const int Window = 64 * 1024;

    [Fact]
    public async Task Sequential_reads_are_served_from_windows_fetched_ahead()
    {
        var inner = new RecordingSource(10 * Window + 1234);
        await using var source = new ReadAheadBlockSource(inner, Window, windowCount: 2, ownsInner: false);

        var all = new byte[inner.Length];
        for (long offset = 0; offset < inner.Length; offset += 5000)
        {
            var read = await source.ReadAtAsync(offset, all.AsMemory((int)offset, (int)Math.Min(5000, inner.Length - offset)));
            Assert.Equal((int)Math.Min(5000, inner.Length - offset), read);
        }

        Assert.Equal(inner.Expected, all);

        // Two direct reads (the first, not yet known to be sequential, and the rest of its first window at most);
        // everything else arrives in whole, aligned windows, and nothing is fetched twice.
        var windowReads = inner.Reads.Where(r => r.Offset % Window == 0 && (r.Length == Window || r.Offset + r.Length == inner.Length)).ToList();
        Assert.True(windowReads.Count >= 9, $"{windowReads.Count} window reads");
        Assert.True(inner.Reads.Sum(r => (long)r.Length) <= inner.Length + Window + 5000, $"{inner.Reads.Sum(r => (long)r.Length)} bytes read");
    }

    [Fact]
    public async Task The_next_window_is_fetched_before_it_is_asked_for()
    {
        var inner = new RecordingSource(8 * Window);
        await using var source = new ReadAheadBlockSource(inner, Window, windowCount: 2, ownsInner: false);
        var buffer = new byte[1000];
        await source.ReadAtAsync(0, buffer);
        await source.ReadAtAsync(1000, buffer);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!inner.Reads.Any(r => r.Offset == Window) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Contains(inner.Reads, r => r.Offset == Window && r.Length == Window);
        Assert.DoesNotContain(inner.Reads, r => r.Offset >= 3 * Window);
    }

    [Fact]
    public async Task Random_reads_pass_through_without_prefetch()
    {
        var inner = new RecordingSource(100 * Window);
        await using var source = new ReadAheadBlockSource(inner, Window, ownsInner: false);
        var random = new Random(3);
        for (var i = 0; i < 50; i++)
        {
            var offset = random.NextInt64(inner.Length - 10_000) | 1; // odd: never where the last read ended
            var buffer = new byte[random.Next(1, 10_000)];
            Assert.Equal(buffer.Length, await source.ReadAtAsync(offset, buffer));
            Assert.Equal(inner.Expected.AsSpan((int)offset, buffer.Length).ToArray(), buffer);
        }

        Assert.Equal(50, inner.Reads.Count);
    }

    [Fact]
    public async Task Parallel_sequential_and_random_readers_get_the_right_bytes()
    {
        var inner = new RecordingSource(40 * Window + 77);
        await using var source = new ReadAheadBlockSource(inner, Window, ownsInner: false);
        var readers = Enumerable.Range(0, 8).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            long offset = seed % 2 == 0 ? 0 : random.NextInt64(inner.Length);
            for (var i = 0; i < 200; i++)
            {
                var buffer = new byte[random.Next(1, 3 * Window)];
                var read = await source.ReadAtAsync(offset, buffer);
                Assert.Equal((int)Math.Min(buffer.Length, inner.Length - offset), read);
                Assert.True(inner.Expected.AsSpan((int)offset, read).SequenceEqual(buffer.AsSpan(0, read)), $"read at {offset}");
                offset = seed % 2 == 0 && offset + read < inner.Length ? offset + read : random.NextInt64(inner.Length);
            }
        }));
        await Task.WhenAll(readers);
    }

    [Fact]
    public async Task Reads_at_and_past_the_end_return_what_is_left()
    {
        var inner = new RecordingSource(Window + 10);
        await using var source = new ReadAheadBlockSource(inner, Window, ownsInner: false);
        var buffer = new byte[Window];
        Assert.Equal(Window, await source.ReadAtAsync(0, buffer));
        Assert.Equal(10, await source.ReadAtAsync(Window, buffer));
        Assert.Equal(0, await source.ReadAtAsync(Window + 10, buffer));
        Assert.Equal(0, await source.ReadAtAsync(10 * Window, buffer));
    }

    [Fact]
    public async Task A_failing_inner_source_reaches_the_reader_and_disposal_disposes_it()
    {
        var inner = new RecordingSource(8 * Window) { FailFrom = 2 * Window };
        var source = new ReadAheadBlockSource(inner, Window);
        var buffer = new byte[Window / 2];
        long offset = 0;
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (true)
            {
                offset += await source.ReadAtAsync(offset, buffer);
            }
        });
        Assert.Equal(2 * Window, offset);
        Assert.Contains("boom", error.Message, StringComparison.Ordinal);
        await source.DisposeAsync();
        Assert.True(inner.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await source.ReadAtAsync(0, buffer));
    }

    /// <summary>Deterministic bytes that records every read it serves.</summary>
    private sealed class RecordingSource(long length) : IBlockSource
    {
        public byte[] Expected { get; } = Enumerable.Range(0, (int)length).Select(i => (byte)((i * 31) ^ (i >> 9))).ToArray();

        public ConcurrentQueue<(long Offset, int Length)> ReadLog { get; } = new();

        public List<(long Offset, int Length)> Reads => [.. ReadLog];

        public long FailFrom { get; init; } = long.MaxValue;

        public bool Disposed { get; private set; }

        public long Length => length;

        public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var count = (int)Math.Clamp(length - offset, 0, buffer.Length);
            if (offset + count > FailFrom)
            {
                throw new IOException("boom");
            }

            ReadLog.Enqueue((offset, count));
            Expected.AsSpan((int)offset, count).CopyTo(buffer.Span);
            return count;
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
