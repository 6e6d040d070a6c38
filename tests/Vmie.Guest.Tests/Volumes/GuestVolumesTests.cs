using Vmie.Disks.Sources;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Tests.Volumes;

public sealed class GuestVolumesTests
{
    [SkippableFact]
    public async Task Partitions_are_probed_named_as_the_guest_names_them_and_encryption_is_a_problem()
    {
        var image = ExternalTool.SparseFile("discover.img", 64 << 20);
        ExternalTool.Run("sgdisk", "gdisk", "-n", "1:2048:+20M", "-t", "1:ef00", "-n", "2:0:+20M", "-t", "2:8300", "-n", "3:0:0", "-t", "3:8300", image);
        WriteFileSystem(image, 2048 * 512, 20 << 20, "mkfs.vfat", "dosfstools", "-F", "32", "-n", "ESP");
        WriteFileSystem(image, (2048 + 40960) * 512, 20 << 20, "mkfs.ext4", "e2fsprogs", "-q", "-L", "root");
        var luks = ExternalTool.SparseFile("discover-luks.img", 16 << 20);
        var key = ExternalTool.ScratchPath("discover.key");
        await File.WriteAllTextAsync(key, "key");
        ExternalTool.Run("cryptsetup", "cryptsetup-bin", "luksFormat", "--batch-mode", "--type", "luks2", "--key-file", key, "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", luks);
        ExternalTool.CopyInto(image, (2048 + 81920) * 512, luks);

        await using var disk = FileBlockSource.Open(image);
        await using var blank = FileBlockSource.Open(ExternalTool.SparseFile("discover-blank.img", 1 << 20));
        var found = await GuestVolumes.DiscoverAsync([disk, blank]);

        Assert.Equal(["/dev/sda1", "/dev/sda2", "/dev/sda3"], found.Volumes.Select(v => v.DeviceName));
        Assert.Equal([VolumeContentKind.Fat32, VolumeContentKind.Ext4, VolumeContentKind.Luks2], found.Volumes.Select(v => v.Content.Kind));
        Assert.Equal("root", found.Volumes[1].Content.Label);
        Assert.Equal(20L << 20, found.Volumes[1].Source.Length);
        var problem = Assert.Single(found.Problems);
        Assert.Equal(VolumeProblemKind.EncryptedVolume, problem.Kind);
        Assert.Equal("/dev/sda3", problem.Subject);
        Assert.Null(problem.StatusMessage);
    }

    [Theory]
    [InlineData(0, "/dev/sda")]
    [InlineData(25, "/dev/sdz")]
    [InlineData(26, "/dev/sdaa")]
    [InlineData(701, "/dev/sdzz")]
    public void Disks_are_named_like_linux_names_them(int index, string name) => Assert.Equal(name, LinuxDeviceNames.Disk(index));

    [Fact]
    public void Device_mapper_names_double_dashes() =>
        Assert.Equal("/dev/mapper/my--vg-lv--root", LinuxDeviceNames.Mapper("my-vg", "lv-root"));

    private static void WriteFileSystem(string image, long offset, long size, string mkfs, string package, params string[] options)
    {
        var file = ExternalTool.SparseFile(Path.GetFileName(image) + "-" + offset + ".fs", size);
        ExternalTool.Run(mkfs, package, [.. options, file]);
        ExternalTool.CopyInto(image, offset, file);
    }
}
