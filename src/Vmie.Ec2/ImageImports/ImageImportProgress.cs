using Vmie.Ec2.Tasks;

namespace Vmie.Ec2.ImageImports;

/// <summary>
/// Bytes processed per disk, from the conversions' threads, turned into each disk's progress and the task's overall
/// count. Each disk's count only rises, so their sum does too.
/// </summary>
internal sealed class ImageImportProgress
{
    private readonly long[] _capacities;
    private readonly long[] _processed;
    private readonly long _total;
    private readonly IImageImportReporter _reporter;
    private readonly Lock _lock = new();

    public ImageImportProgress(long[] capacities, IImageImportReporter reporter)
    {
        _capacities = capacities;
        _processed = new long[capacities.Length];
        _total = capacities.Sum();
        _reporter = reporter;
    }

    public IProgress<long> For(int disk) => new DiskProgress(this, disk);

    /// <summary>A disk converted: all its bytes count, whatever the last report said.</summary>
    public void Complete(int disk) => Set(disk, _capacities[disk]);

    private void Set(int disk, long processed)
    {
        // One lock, so the overall counts reach the reporter in the order they were summed (reports are throttled).
        lock (_lock)
        {
            processed = Math.Min(processed, _capacities[disk]);
            if (processed <= _processed[disk])
            {
                return;
            }

            _processed[disk] = processed;
            _reporter.ReportDiskProgress(disk, ImportProgress.FromBytes(processed, _capacities[disk]));
            _reporter.ReportOverall(_processed.Sum(), _total);
        }
    }

    private sealed class DiskProgress(ImageImportProgress owner, int disk) : IProgress<long>
    {
        public void Report(long value) => owner.Set(disk, value);
    }
}
