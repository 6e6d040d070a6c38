using SharpFuzz;
using Vmie.Disks.Fuzz.Harness;

// Usage: Vmie.Disks.Fuzz TARGET [FILE...] | pack-vhdx IMAGE SEED
// Under afl-fuzz (fuzz/run.sh) it reads inputs from afl's shared memory and reports each outcome; with files it
// replays them once each and prints the outcome, which is how a finding is reproduced.
// A VHDX seed is stored packed (see WindowedBlockSource); this makes one from an image qemu-img or Hyper-V wrote.
if (args is ["pack-vhdx", var image, var seed])
{
    File.WriteAllBytes(seed, WindowedBlockSource.Pack(File.ReadAllBytes(image)));
    return 0;
}

if (args.Length == 0 || !DiskParserTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: Vmie.Disks.Fuzz TARGET [FILE...]; targets: {string.Join(", ", DiskParserTargets.Names)}");
    return 2;
}

var target = args[0];
if (args.Length > 1)
{
    var failures = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            var rejection = DiskParserTargets.RunAsync(target, File.ReadAllBytes(file)).GetAwaiter().GetResult();
            Console.WriteLine(rejection is null ? $"opened   {file}" : $"rejected {file}: {rejection.Message}");
        }
        catch (Exception exception)
        {
            failures++;
            Console.WriteLine($"FINDING  {file}: {exception}");
        }
    }

    return failures == 0 ? 0 : 1;
}

Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    _ = DiskParserTargets.RunAsync(target, copy.ToArray()).GetAwaiter().GetResult();
});
return 0;
