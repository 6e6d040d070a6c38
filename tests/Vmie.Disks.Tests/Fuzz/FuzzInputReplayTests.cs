using Vmie.Disks.Fuzz.Harness;

namespace Vmie.Disks.Tests.Fuzz;

/// <summary>
/// Every seed in fuzz/corpus and every kept finding in fuzz/findings goes through the fuzz harness itself
/// (linked from fuzz/Vmie.Disks.Fuzz/Harness): it must open or be rejected with an InvalidDiskImageException, in time.
/// A finding that once crashed a reader stays here as that reader's regression test.
/// </summary>
public class FuzzInputReplayTests
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    // fuzz/corpus and fuzz/findings also hold the guest readers' targets (fuzz/Vmie.Guest.Fuzz, replayed by Vmie.Guest.Tests).
    public static TheoryData<string, string> Inputs() => FuzzInputs.Of(DiskParserTargets.Names);

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Input_OpensOrIsRejected_WithinTheTimeLimit(string target, string file)
    {
        Assert.Contains(target, DiskParserTargets.Names);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(FuzzFolder, file));

        // Off the test thread, so a hang fails this test instead of stalling the run.
        var run = Task.Run(() => DiskParserTargets.RunAsync(target, bytes));
        await run.WaitAsync(TimeLimit);
    }

    [Fact]
    public void EveryTarget_HasASeedCorpus()
    {
        foreach (var target in DiskParserTargets.Names)
        {
            Assert.True(FuzzInputs.Seeds(target).Count > 0, $"no seeds for {target}");
        }
    }

    [Fact]
    public async Task Seeds_ThatAreValidImages_Open()
    {
        // Seeds made by qemu-img are valid: a harness that rejected them all would fuzz nothing but error paths.
        string[] valid = ["vmdk/stream-optimized.vmdk", "vmdk-descriptor/monolithic-flat.vmdk", "vhd/dynamic-4k-blocks.vhd", "vhd/fixed.vhd", "vhdx/dynamic.vhdx.packed", "sniffer/stream-optimized.vmdk"];
        foreach (var seed in valid)
        {
            var target = seed[..seed.IndexOf('/', StringComparison.Ordinal)];
            var rejection = await DiskParserTargets.RunAsync(target, await File.ReadAllBytesAsync(Path.Combine(FuzzFolder, "corpus", seed)));
            Assert.True(rejection is null, $"{seed}: {rejection?.Message}");
        }
    }

    private static string FuzzFolder => FuzzInputs.Folder;
}
