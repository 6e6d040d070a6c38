namespace Vmie.Storage.Snapshots;

/// <summary>
/// Sums progress from several threads and passes the running total on at most once per interval,
/// never going backwards (the total is read and reported under one lock).
/// </summary>
internal sealed class ThrottledProgress
{
    private readonly IProgress<long>? _target;
    private readonly long _intervalMilliseconds;
    private readonly Lock _lock = new();
    private long _total;
    private long _lastReported = -1;
    private long _lastReportTime;

    public ThrottledProgress(IProgress<long>? target, TimeSpan interval)
    {
        _target = target;
        _intervalMilliseconds = (long)interval.TotalMilliseconds;
        _lastReportTime = Environment.TickCount64;
    }

    public long Total => Interlocked.Read(ref _total);

    public void Add(long bytes)
    {
        Interlocked.Add(ref _total, bytes);
        if (_target is not null && Environment.TickCount64 - Interlocked.Read(ref _lastReportTime) >= _intervalMilliseconds)
        {
            Report(force: false);
        }
    }

    /// <summary>Reports the current total now unless it was already reported.</summary>
    public void Flush() => Report(force: true);

    private void Report(bool force)
    {
        if (_target is null)
        {
            return;
        }

        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (!force && now - _lastReportTime < _intervalMilliseconds)
            {
                return;
            }

            var total = Interlocked.Read(ref _total);
            if (total == _lastReported)
            {
                return;
            }

            Interlocked.Exchange(ref _lastReportTime, now);
            _lastReported = total;
            _target.Report(total);
        }
    }
}
