using System.Collections.Concurrent;
using Vmie.Ec2.ImageImports;

namespace Vmie.Ec2.Tests.ImageImports;

/// <summary>Records what the pipeline reports, checks that progress never goes back, and lets a test act on a report.</summary>
internal sealed class RecordingImageImportReporter : IImageImportReporter
{
    private readonly Lock _lock = new();
    private long _lastOverall = -1;
    private readonly ConcurrentDictionary<int, int> _diskProgress = new();

    public List<string> Stages { get; } = [];

    public ConcurrentQueue<ImageImportDiskUpdate> DiskUpdates { get; } = new();

    public List<string> ProgressErrors { get; } = [];

    public long LastOverall => Interlocked.Read(ref _lastOverall);

    public long OverallTotal { get; private set; }

    /// <summary>Called after a stage is recorded.</summary>
    public Action<string>? OnStage { get; set; }

    /// <summary>Called after a disk update is recorded.</summary>
    public Action<ImageImportDiskUpdate>? OnDisk { get; set; }

    /// <summary>Called after an overall count is recorded.</summary>
    public Action<long>? OnOverall { get; set; }

    public Task SetStageAsync(string statusMessage, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Stages.Add(statusMessage);
        }

        OnStage?.Invoke(statusMessage);
        return Task.CompletedTask;
    }

    public Task SetDiskAsync(ImageImportDiskUpdate update, CancellationToken cancellationToken)
    {
        DiskUpdates.Enqueue(update);
        OnDisk?.Invoke(update);
        return Task.CompletedTask;
    }

    public void ReportDiskProgress(int diskIndex, int progress)
    {
        var previous = _diskProgress.GetValueOrDefault(diskIndex, 0);
        if (progress < previous)
        {
            lock (_lock)
            {
                ProgressErrors.Add($"disk {diskIndex}: {progress} after {previous}");
            }
        }

        _diskProgress[diskIndex] = progress;
    }

    public void ReportOverall(long processedBytes, long totalBytes)
    {
        lock (_lock)
        {
            if (processedBytes < _lastOverall)
            {
                ProgressErrors.Add($"overall: {processedBytes} after {_lastOverall}");
            }

            _lastOverall = processedBytes;
            OverallTotal = totalBytes;
        }

        OnOverall?.Invoke(processedBytes);
    }
}
