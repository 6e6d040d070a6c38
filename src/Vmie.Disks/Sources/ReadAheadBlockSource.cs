using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Sources;

/// <summary>
/// Read-ahead over a slow block source such as object-store range reads: when a read starts where the
/// previous one ended, the next windows (aligned, <see cref="WindowSize"/> bytes each, at most
/// <see cref="WindowCount"/> of them) are fetched in the background, and later reads are served from them.
/// Other reads go straight to the inner source. Memory stays at about WindowCount + 1 windows. Safe for
/// parallel readers; a failed background fetch is retried as a direct read, so its error reaches the reader.
/// </summary>
public sealed class ReadAheadBlockSource : IBlockSource
{
    public const int DefaultWindowSize = 8 * 1024 * 1024;
    public const int DefaultWindowCount = 2;

    private readonly IBlockSource _inner;
    private readonly bool _ownsInner;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Task<Window>> _windows = [];
    private readonly CancellationTokenSource _disposed = new();
    private long _lastEnd = -1;

    public ReadAheadBlockSource(IBlockSource inner, int windowSize = DefaultWindowSize, int windowCount = DefaultWindowCount, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 4096);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowCount, 1);
        _inner = inner;
        _ownsInner = ownsInner;
        WindowSize = windowSize;
        WindowCount = windowCount;
    }

    public long Length => _inner.Length;

    public int WindowSize { get; }

    public int WindowCount { get; }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var total = (int)Math.Min(buffer.Length, Length - offset);
        bool sequential;
        lock (_lock)
        {
            sequential = offset == _lastEnd || _windows.ContainsKey(offset / WindowSize);
            _lastEnd = offset + total;
            if (sequential)
            {
                Schedule(offset, offset + total);
            }
        }

        var done = 0;
        while (done < total)
        {
            var position = offset + done;
            var index = position / WindowSize;
            Task<Window>? pending;
            lock (_lock)
            {
                pending = _windows.GetValueOrDefault(index);
            }

            if (pending is null)
            {
                return done + await ReadDirectAsync(position, buffer[done..total], cancellationToken).ConfigureAwait(false);
            }

            Window window;
            try
            {
                window = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The background fetch failed (or was cancelled): forget it and let a direct read report the error.
                lock (_lock)
                {
                    if (_windows.GetValueOrDefault(index) == pending)
                    {
                        _windows.Remove(index);
                    }
                }

                return done + await ReadDirectAsync(position, buffer[done..total], cancellationToken).ConfigureAwait(false);
            }

            var inWindow = (int)(position - window.Offset);
            var count = Math.Min(total - done, window.Count - inWindow);
            if (count <= 0)
            {
                break; // the source ended inside this window
            }

            window.Data.AsSpan(inWindow, count).CopyTo(buffer.Span[done..]);
            done += count;
        }

        return done;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        Task<Window>[] pending;
        lock (_lock)
        {
            pending = [.. _windows.Values];
            _windows.Clear();
        }

        foreach (var task in pending)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Background fetches only matter to readers; on disposal their errors have no one to reach.
            }
        }

        _disposed.Dispose();
        if (_ownsInner)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<int> ReadDirectAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = await _inner.ReadAtAsync(position + done, buffer[done..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            done += read;
        }

        return done;
    }

    /// <summary>Under the lock: drops windows wholly before the read and starts those from the read's end onward.</summary>
    private void Schedule(long readStart, long readEnd)
    {
        var first = readStart / WindowSize;
        foreach (var index in _windows.Keys.Where(k => k < first).ToList())
        {
            _windows.Remove(index);
        }

        var ahead = readEnd / WindowSize;
        var lastWindow = (Length - 1) / WindowSize;
        for (var index = ahead; index < ahead + WindowCount && index <= lastWindow; index++)
        {
            if (!_windows.ContainsKey(index))
            {
                var start = index * WindowSize;
                _windows[index] = Task.Run(() => FetchAsync(start), _disposed.Token);
            }
        }

        // Windows between the read's start and the lookahead beyond the bound are dropped (a read jumped ahead).
        foreach (var index in _windows.Keys.Where(k => k >= ahead + WindowCount).ToList())
        {
            _windows.Remove(index);
        }
    }

    private async Task<Window> FetchAsync(long start)
    {
        var data = GC.AllocateUninitializedArray<byte>((int)Math.Min(WindowSize, Length - start));
        var count = await ReadDirectAsync(start, data, _disposed.Token).ConfigureAwait(false);
        return new Window(start, data, count);
    }

    private sealed record Window(long Offset, byte[] Data, int Count);
}
