using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ext;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Tests.Windows.Registry;

/// <summary>A hive read where inspection finds it: inside a guest file system, through GuestFiles.OpenRead.</summary>
public sealed class GuestHiveTests
{
    [SkippableFact]
    public async Task HiveIsReadFromAGuestFileSystem()
    {
        var tree = Directory.CreateDirectory(ExternalTool.ScratchPath("hive-tree"));
        var config = Directory.CreateDirectory(Path.Combine(tree.FullName, "Windows", "System32", "config"));
        var software = TestHives.Software();
        var filler = software.Key("Classes");
        for (var i = 0; i < 2000; i++)
        {
            filler.Key($"CLSID{i:00000}").Binary("Pad", new byte[1000]);
        }

        await File.WriteAllBytesAsync(Path.Combine(config.FullName, "SOFTWARE"), HiveWriter.Write(software));
        var image = ExternalTool.ScratchPath("hive.ext4");
        ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-F", "-d", tree.FullName, image, "32M");

        await using var volume = FileBlockSource.Open(image);
        await using var fileSystem = await ExtFileSystem.OpenAsync(volume);
        var files = new GuestFiles(fileSystem);
        var node = await files.FindAsync("/Windows/System32/config/SOFTWARE");
        await using var stream = files.OpenRead(node!);
        var hive = await RegistryHive.OpenAsync(stream);

        var key = (await hive.OpenKeyAsync(TestHives.CurrentVersion))!;
        Assert.Equal("Windows Server 2019 Datacenter", await key.GetStringAsync("ProductName"));
        Assert.Equal(10u, await key.GetUInt32Async("CurrentMajorVersionNumber"));
        Assert.NotNull(await hive.OpenKeyAsync(@"Classes\CLSID01999"));
    }
}
