using Vmie.Disks.Sources;
using Vmie.Fuzz;
using Vmie.Guest.Fuzz.Harness;

// Usage: Vmie.Guest.Fuzz TARGET [FILE...] (see fuzz/Shared/FuzzCommandLine.cs) | pack TARGET IMAGE SEED
// pack runs a target whose input is a packed image (see PackedBlockSource) over a real image made by mkfs, sgdisk...
// and keeps the sectors it read: the seed.
if (args is ["pack", var packTarget, var image, var seed])
{
    await using var source = FileBlockSource.Open(image);
    await File.WriteAllBytesAsync(seed, await GuestParserTargets.PackAsync(packTarget, source));
    return 0;
}

return FuzzCommandLine.Run(args, GuestParserTargets.Names, (target, input) => GuestParserTargets.RunAsync(target, input));
