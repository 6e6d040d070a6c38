using Vmie.Guest.Fuzz.Harness;
using Vmie.Guest.Volumes;

namespace Vmie.Guest.Tests.Fuzz;

/// <summary>
/// Every seed in fuzz/corpus and every kept finding in fuzz/findings of a guest target goes through the fuzz harness
/// itself (linked from fuzz/Vmie.Guest.Fuzz/Harness): it must be read or rejected with the reader's own exception, in
/// time. A finding that once crashed a reader stays here as that reader's regression test.
/// </summary>
public class GuestFuzzInputReplayTests
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(20);

    public static TheoryData<string, string> Inputs() => FuzzInputs.Of(GuestParserTargets.Names);

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Input_IsReadOrRejected_WithinTheTimeLimit(string target, string file)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(FuzzFolder, file));

        // Off the test thread, so a hang fails this test instead of stalling the run.
        var run = Task.Run(() => GuestParserTargets.RunAsync(target, bytes));
        await run.WaitAsync(TimeLimit);
    }

    [Fact]
    public void EveryTarget_HasASeedCorpus()
    {
        foreach (var target in GuestParserTargets.Names)
        {
            Assert.True(FuzzInputs.Seeds(target).Count > 0, $"no seeds for {target}");
        }
    }

    [Fact]
    public async Task Seeds_MadeByTheRealTools_AreRead()
    {
        // A harness that rejected its seeds would fuzz nothing but error paths: every seed is a valid image.
        foreach (var target in GuestParserTargets.Names)
        {
            foreach (var seed in FuzzInputs.Seeds(target))
            {
                var rejection = await GuestParserTargets.RunAsync(target, await File.ReadAllBytesAsync(seed));
                Assert.True(rejection is null, $"{target}/{Path.GetFileName(seed)}: {rejection?.Message}");
            }
        }
    }

    [Fact]
    public async Task Lvm_sample_seed_activates_both_logical_volumes()
    {
        // The lvm target only reaches the mapping code if its PVs carry the UUIDs the seed's text names.
        var text = await File.ReadAllBytesAsync(Path.Combine(FuzzFolder, "corpus", "lvm", "sample-vg-linear-and-striped.txt"));

        var found = await GuestVolumes.DiscoverAsync(GuestParserTargets.PhysicalVolumesHolding(text));

        Assert.Empty(found.Problems);
        Assert.Equal(["root", "data"], found.Volumes.Where(v => v.IsLogicalVolume).Select(v => v.LogicalVolume));
    }

    [Fact]
    public void Regf_seeds_are_what_the_hive_writer_writes()
    {
        // Set VMIE_WRITE_FUZZ_SEEDS=1 to (re)write them after changing FuzzSeedHives.
        var folder = Path.Combine(FuzzFolder, "corpus", "regf");
        foreach (var (name, hive) in FuzzSeedHives.All)
        {
            var path = Path.Combine(folder, name);
            if (Environment.GetEnvironmentVariable("VMIE_WRITE_FUZZ_SEEDS") == "1")
            {
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(path, hive);
            }

            Assert.True(File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(hive), $"{path} differs from FuzzSeedHives.{name}");
        }
    }

    [Fact]
    public async Task Packed_image_reads_stored_sectors_and_zeros_elsewhere()
    {
        var sector = Enumerable.Range(0, PackedBlockSource.SectorSize).Select(i => (byte)(i + 1)).ToArray();
        var packed = PackedBlockSource.Pack(10_000, [(3, sector), (5, new byte[PackedBlockSource.SectorSize])]);
        Assert.Equal(8 + 4 + PackedBlockSource.SectorSize, packed.Length); // the all-zero sector is left out

        var source = new PackedBlockSource(packed);
        var read = new byte[3 * PackedBlockSource.SectorSize];
        Assert.Equal(10_000, source.Length);
        Assert.Equal(read.Length, await source.ReadAtAsync((2 * PackedBlockSource.SectorSize) + 10, read));
        Assert.All(read[..(PackedBlockSource.SectorSize - 10)], b => Assert.Equal(0, b));
        Assert.Equal(sector, read[(PackedBlockSource.SectorSize - 10)..((2 * PackedBlockSource.SectorSize) - 10)]);
        Assert.Equal(16, await source.ReadAtAsync(10_000 - 16, read));
        Assert.Equal(0, await source.ReadAtAsync(10_000, read));

        // A last record cut short (as afl leaves them): what is missing reads as zeros.
        var cut = new PackedBlockSource(packed.AsMemory(0, 8 + 4 + 100));
        Assert.Equal(PackedBlockSource.SectorSize, await cut.ReadAtAsync(3 * PackedBlockSource.SectorSize, read.AsMemory(0, PackedBlockSource.SectorSize)));
        Assert.Equal(sector[..100], read[..100]);
        Assert.All(read[100..PackedBlockSource.SectorSize], b => Assert.Equal(0, b));
        Assert.Equal(100, await cut.ReadAtAsync((3 * PackedBlockSource.SectorSize) + 200, read.AsMemory(0, 100)));
        Assert.All(read[..100], b => Assert.Equal(0, b));
    }

    private static string FuzzFolder => FuzzInputs.Folder;
}
