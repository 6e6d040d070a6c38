using Spectre.Console;

namespace Vmie.Cli.Output;

/// <summary>A progress bar on a terminal; nothing at all when the output is piped or redirected.</summary>
internal static class ConversionProgress
{
    public static async Task RunAsync(string description, long total, Func<IProgress<long>, Task> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected || total <= 0)
        {
            await work(new Progress<long>()).ConfigureAwait(false);
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: total);
                await work(new SynchronousProgress(done => task.Value = Math.Min(done, total))).ConfigureAwait(false);
                task.Value = total;
            }).ConfigureAwait(false);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool out of order).</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
