using System.Globalization;
using System.Text.RegularExpressions;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ntfs;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Windows;

/// <summary>
/// Free space read from $Boot and $Bitmap of real mkntfs volumes, cross-checked with ntfsinfo -m. (A whole Windows
/// tree cannot be put on an NTFS image without mounting it: ntfscp copies files only into existing directories, and
/// ntfs-3g has no tool that makes directories; the inspection logic is tested on in-memory trees instead.)
/// </summary>
public sealed partial class NtfsVolumeSpaceTests
{
    [SkippableTheory]
    [InlineData(64, 4096, 0)]
    [InlineData(48, 1024, 3_000_000)]
    [InlineData(40, 512, 0)]
    public async Task MatchesNtfsinfo(int megabytes, int clusterSize, int fileBytes)
    {
        RequiredTool.Require("mkntfs", "ntfs-3g");
        RequiredTool.Require("ntfsinfo", "ntfs-3g");
        var image = ExternalTool.SparseFile($"space-{megabytes}-{clusterSize}.img", (long)megabytes << 20);
        ExternalTool.Run("mkntfs", "ntfs-3g", "-F", "-Q", "-q", "-s", "512", "-c", clusterSize.ToString(CultureInfo.InvariantCulture), image);
        if (fileBytes > 0)
        {
            var source = ExternalTool.ScratchPath($"space-{megabytes}-{clusterSize}.bin");
            await File.WriteAllBytesAsync(source, new byte[fileBytes]);
            ExternalTool.Run("ntfscp", "ntfs-3g", "-q", image, source, "data.bin");
        }

        var info = ExternalTool.Run("ntfsinfo", "ntfs-3g", "-m", image);
        var clusters = long.Parse(TotalClusters().Match(info).Groups[1].Value, CultureInfo.InvariantCulture);
        var free = long.Parse(FreeClusters().Match(info).Groups[1].Value, CultureInfo.InvariantCulture);

        await using var source2 = FileBlockSource.Open(image);
        await using var fileSystem = await NtfsFileSystem.OpenAsync(source2);
        var space = (await NtfsVolumeSpace.ReadAsync(new GuestFiles(fileSystem)))!;

        Assert.Equal(clusters * clusterSize, space.TotalBytes);
        Assert.Equal(free * clusterSize, space.FreeBytes);
        if (fileBytes > 0)
        {
            Assert.True(space.FreeBytes < space.TotalBytes - fileBytes);
        }
    }

    [Fact]
    public async Task OtherFileSystemsHaveNoNtfsSpace()
    {
        var tree = new GuestFiles(new TreeFileSystem(new Dictionary<string, string> { ["$Bitmap"] = "x", ["$Boot"] = "y" }, caseInsensitive: true));

        Assert.Null(await NtfsVolumeSpace.ReadAsync(tree));
    }

    [GeneratedRegex(@"Volume Size in Clusters:\s*(\d+)")]
    private static partial Regex TotalClusters();

    [GeneratedRegex(@"Free Clusters:\s*(\d+)")]
    private static partial Regex FreeClusters();
}
