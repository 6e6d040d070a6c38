using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ext;
using Vmie.Guest.FileSystems.Fat;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Tests.FileSystems;

public sealed class GuestFileSystemOpenerTests
{
    [SkippableFact]
    public async Task A_gpt_disk_with_an_esp_and_ext4_opens_both_readers()
    {
        var image = ExternalTool.SparseFile("opener.img", 64 << 20);
        ExternalTool.Run("sgdisk", "gdisk", "-n", "1:2048:+20M", "-t", "1:ef00", "-n", "2:0:+20M", "-t", "2:8300", image);
        var esp = ExternalTool.SparseFile("opener-esp.fs", 20 << 20);
        ExternalTool.Run("mkfs.vfat", "dosfstools", "-F", "32", "-n", "ESP", esp);
        ExternalTool.CopyInto(image, 2048 * 512, esp);
        var root = ExternalTool.SparseFile("opener-root.fs", 20 << 20);
        var tree = ExternalTool.ScratchPath("opener-tree");
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        await File.WriteAllTextAsync(Path.Combine(tree, "etc", "os-release"), "ID=debian\n");
        ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-L", "root", "-d", tree, root);
        ExternalTool.CopyInto(image, (2048 + 40960) * 512, root);

        await using var disk = FileBlockSource.Open(image);
        var found = await GuestVolumes.DiscoverAsync([disk]);
        Assert.Equal([VolumeContentKind.Fat32, VolumeContentKind.Ext4], found.Volumes.Select(v => v.Content.Kind));

        // A FAT32 of 40960 one-sector clusters: Linux's layout rule, not the cluster count, makes it FAT32.
        await using (var fat = await GuestFileSystemOpener.OpenAsync(found.Volumes[0]))
        {
            var fs = Assert.IsType<FatFileSystem>(fat);
            Assert.Equal(FatType.Fat32, fs.FatType);
            Assert.Equal("ESP", fs.Label);
            Assert.Equal(found.Volumes[0].Content.Uuid, fs.Uuid);
            Assert.Empty(await fs.ListAsync(fs.Root).ToListAsync());
        }

        await using (var ext = await GuestFileSystemOpener.OpenAsync(found.Volumes[1]))
        {
            var fs = Assert.IsType<ExtFileSystem>(ext);
            Assert.Equal("root", fs.Label);
            Assert.Equal("ID=debian\n", await new GuestFiles(fs).ReadAllTextAsync("/etc/os-release"));
        }

        Assert.Null(GuestFileSystemOpener.MissingReaderReason(found.Volumes[0].Content));
        Assert.Null(GuestFileSystemOpener.MissingReaderReason(found.Volumes[1].Content));
    }

    [SkippableTheory]
    [InlineData("xfs", "xfsprogs", 320)]
    [InlineData("btrfs", "btrfs-progs", 128)]
    [InlineData("ntfs", "ntfs-3g", 16)]
    public async Task Whole_disk_xfs_btrfs_and_ntfs_volumes_open_their_readers(string type, string package, int sizeMiB)
    {
        var image = ExternalTool.SparseFile($"opener-{type}.img", (long)sizeMiB << 20);
        string[] arguments = type == "ntfs" ? ["-F", "-Q", "-L", "label", image] : ["-f", "-L", "label", image];
        ExternalTool.Run("mkfs." + type, package, arguments);

        await using var disk = FileBlockSource.Open(image);
        var found = await GuestVolumes.DiscoverAsync([disk]);
        var volume = Assert.Single(found.Volumes);
        Assert.Null(GuestFileSystemOpener.MissingReaderReason(volume.Content));
        await using var fileSystem = await GuestFileSystemOpener.OpenAsync(volume);
        Assert.NotNull(fileSystem);
        Assert.Equal(type, fileSystem.Type);
        Assert.Equal("label", fileSystem.Label);
        Assert.Equal(volume.Content.Uuid, fileSystem.Uuid, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(VolumeContentKind.Swap, "the volume holds no file system (swap)")]
    [InlineData(VolumeContentKind.Luks2, "the volume is encrypted (crypto_LUKS)")]
    [InlineData(VolumeContentKind.Iso9660, "no reader for iso9660")]
    public async Task Kinds_without_a_reader_give_null_and_say_why(VolumeContentKind kind, string reason)
    {
        var content = new VolumeContent { Kind = kind };
        await using var source = new MemoryBlockSource(new byte[1 << 20]);
        Assert.Null(await GuestFileSystemOpener.OpenAsync(source, content));
        Assert.Equal(reason, GuestFileSystemOpener.MissingReaderReason(content));
    }
}
