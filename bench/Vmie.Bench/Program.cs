using System.Diagnostics;
using Vmie.Bench;

// Timed harness for the snapshot importer. Goals (from the product's performance target): importing a
// 2 GiB raw image holding 512 MiB of data takes under twice as long as `cp --sparse=never` of the same
// file, with a peak RSS under 300 MB and under 520 MiB stored. Exits 1 when a goal is missed.
const long MiB = 1 << 20;
const double MaxTimeRatio = 2.0;
const long MaxPeakRss = 300 * 1000 * 1000;
const long MaxStoredBytes = 520 * MiB;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Vmie.Bench [--work DIR] [--size-mib N] [--data-mib N] [--runs N]");
    return 2;
}

Directory.CreateDirectory(options.WorkDirectory);
var image = Path.Combine(options.WorkDirectory, "image.raw");
var copy = Path.Combine(options.WorkDirectory, "copy.raw");
try
{
    Console.WriteLine($"Creating {options.SizeBytes / MiB} MiB image with {options.DataBytes / MiB} MiB of data at {image} ...");
    SampleImage.Create(image, options.SizeBytes, options.DataBytes);
    FileSystemQuiet.Settle();

    // One untimed round first: the first large copy on a fresh VM pays for the host handing over memory
    // for the page cache, which would flatter the import. Then interleaved rounds, so slow drift of the
    // machine (other work, page cache) hits both sides alike.
    var store = Path.Combine(options.WorkDirectory, "store");
    var warmCopy = CopyTiming.Measure(image, copy);
    var warmImport = await ImportTiming.MeasureAsync(image, store, verify: false);
    Console.WriteLine($"warm-up: cp {warmCopy.TotalSeconds:F3} s, import {warmImport.Elapsed.TotalSeconds:F3} s (not counted)");
    List<TimeSpan> copies = [];
    List<ImportMeasurement> imports = [];
    for (var run = 1; run <= options.Runs; run++)
    {
        copies.Add(CopyTiming.Measure(image, copy));
        imports.Add(await ImportTiming.MeasureAsync(image, store, verify: run == options.Runs));
        Console.WriteLine($"run {run}: cp {copies[^1].TotalSeconds:F3} s, import {imports[^1].Elapsed.TotalSeconds:F3} s");
    }

    var copySeconds = Median(copies.Select(c => c.TotalSeconds));
    var importSeconds = Median(imports.Select(i => i.Elapsed.TotalSeconds));
    var storedBytes = imports.Max(i => i.StoredBytes);
    var peakRss = Process.GetCurrentProcess().PeakWorkingSet64;
    var ratio = importSeconds / copySeconds;

    Console.WriteLine();
    Console.WriteLine($"cp --sparse=never   median {copySeconds:F3} s  ({options.SizeBytes / MiB / copySeconds:F0} MiB/s)");
    Console.WriteLine($"import              median {importSeconds:F3} s  ({options.SizeBytes / MiB / importSeconds:F0} MiB/s of disk, {imports[0].DataBytes / MiB / importSeconds:F0} MiB/s of data)");
    Console.WriteLine($"import / cp         {ratio:F2}   (goal < {MaxTimeRatio:F1})");
    Console.WriteLine($"peak RSS            {peakRss / MiB} MiB ({peakRss / 1e6:F0} MB, goal < {MaxPeakRss / 1e6:F0} MB)");
    Console.WriteLine($"stored              {storedBytes / (double)MiB:F1} MiB  (goal < {MaxStoredBytes / MiB} MiB)");
    Console.WriteLine("verification        snapshot read back byte-identical to the image");

    var missed = new List<string>();
    if (ratio >= MaxTimeRatio)
    {
        missed.Add("time");
    }

    if (peakRss >= MaxPeakRss)
    {
        missed.Add("memory");
    }

    if (storedBytes >= MaxStoredBytes)
    {
        missed.Add("stored bytes");
    }

    Console.WriteLine(missed.Count == 0 ? "RESULT: all goals met" : $"RESULT: missed {string.Join(", ", missed)}");
    return missed.Count == 0 ? 0 : 1;
}
finally
{
    File.Delete(image);
    File.Delete(copy);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
