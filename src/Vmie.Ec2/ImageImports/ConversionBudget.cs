using Vmie.Ec2.Composition;

namespace Vmie.Ec2.ImageImports;

/// <summary>
/// The disk conversions the whole process runs at once, whatever the tasks: each conversion already uses every
/// core (and up to 32 MiB of buffers), so two tasks of three disks must not start six on a small machine.
/// </summary>
public sealed class ConversionBudget : IDisposable
{
    private readonly SemaphoreSlim _slots;

    public ConversionBudget(Ec2Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Size = options.ConversionConcurrency;
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 1, nameof(options));
        _slots = new SemaphoreSlim(Size, Size);
    }

    public int Size { get; }

    /// <summary>Conversions running now.</summary>
    public int InUse => Size - _slots.CurrentCount;

    /// <summary>Waits for a free slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
