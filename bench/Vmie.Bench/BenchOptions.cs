namespace Vmie.Bench;

internal sealed record BenchOptions(string WorkDirectory, long SizeBytes, long DataBytes, int Runs)
{
    private const long MiB = 1 << 20;

    /// <summary>The parsed options, or null when the arguments are not understood.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions(Path.Combine(Path.GetTempPath(), "vmie-bench"), 2048 * MiB, 512 * MiB, 3);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--work" when value is not null:
                    options = options with { WorkDirectory = Path.GetFullPath(value) };
                    break;
                case "--size-mib" when long.TryParse(value, out var size) && size > 0:
                    options = options with { SizeBytes = size * MiB };
                    break;
                case "--data-mib" when long.TryParse(value, out var data) && data > 0:
                    options = options with { DataBytes = data * MiB };
                    break;
                case "--runs" when int.TryParse(value, out var runs) && runs > 0:
                    options = options with { Runs = runs };
                    break;
                default:
                    return null;
            }

            i++;
        }

        return options.DataBytes <= options.SizeBytes ? options : null;
    }
}
