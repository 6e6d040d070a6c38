namespace Vmie.Bench;

/// <summary>Between measurements: flush dirty pages so one run's writeback does not slow the next.</summary>
internal static class FileSystemQuiet
{
    public static void Settle() => CopyTiming.Run("sync");
}
