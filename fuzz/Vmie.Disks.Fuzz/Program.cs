using Vmie.Disks.Fuzz.Harness;
using Vmie.Fuzz;

// Usage: Vmie.Disks.Fuzz TARGET [FILE...] | pack-vhdx IMAGE SEED (see fuzz/Shared/FuzzCommandLine.cs)
// A VHDX seed is stored packed (see WindowedBlockSource); pack-vhdx makes one from an image qemu-img or Hyper-V wrote.
if (args is ["pack-vhdx", var image, var seed])
{
    File.WriteAllBytes(seed, WindowedBlockSource.Pack(File.ReadAllBytes(image)));
    return 0;
}

return FuzzCommandLine.Run(args, DiskParserTargets.Names, async (target, input) => await DiskParserTargets.RunAsync(target, input).ConfigureAwait(false));
