using Vmie.Disks.Sources;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Tests.Volumes;

/// <summary>File systems made by their own tools, probed, and checked against blkid's low-level probe.</summary>
public sealed class VolumeContentProbeTests
{
    [SkippableTheory]
    [InlineData("ext2", 32, VolumeContentKind.Ext2, "mkfs.ext2", "e2fsprogs", "-q", "-L", "twolabel")]
    [InlineData("ext3", 32, VolumeContentKind.Ext3, "mkfs.ext3", "e2fsprogs", "-q", "-L", "threelabel")]
    [InlineData("ext4", 32, VolumeContentKind.Ext4, "mkfs.ext4", "e2fsprogs", "-q", "-L", "rootfs")]
    [InlineData("xfs", 320, VolumeContentKind.Xfs, "mkfs.xfs", "xfsprogs", "-q", "-L", "xfsroot")]
    [InlineData("btrfs", 160, VolumeContentKind.Btrfs, "mkfs.btrfs", "btrfs-progs", "-q", "-L", "btr")]
    [InlineData("jfs", 32, VolumeContentKind.Jfs, "mkfs.jfs", "jfsutils", "-q", "-L", "jfslabel")]
    [InlineData("fat12", 2, VolumeContentKind.Fat12, "mkfs.vfat", "dosfstools", "-n", "SMALL")]
    [InlineData("fat16", 32, VolumeContentKind.Fat16, "mkfs.vfat", "dosfstools", "-F", "16", "-n", "SIXTEEN")]
    [InlineData("fat32", 64, VolumeContentKind.Fat32, "mkfs.vfat", "dosfstools", "-F", "32", "-n", "EFI")]
    [InlineData("ntfs", 32, VolumeContentKind.Ntfs, "mkntfs", "ntfs-3g", "-q", "-F", "-Q")]
    [InlineData("swap", 16, VolumeContentKind.Swap, "mkswap", "util-linux", "-L", "swaplabel")]
    public async Task Probe_agrees_with_blkid(string name, int megabytes, VolumeContentKind kind, string mkfs, string package, params string[] options)
    {
        var image = ExternalTool.SparseFile($"probe-{name}.img", (long)megabytes << 20);
        ExternalTool.Run(mkfs, package, [.. options, image]);

        await using var volume = FileBlockSource.Open(image);
        var content = await VolumeContentProbe.ProbeAsync(volume);

        Assert.Equal(kind, content.Kind);
        AssertAgreesWithBlkid(image, content);
    }

    [SkippableTheory]
    [InlineData("luks1", VolumeContentKind.Luks1)]
    [InlineData("luks2", VolumeContentKind.Luks2)]
    public async Task Luks_volumes_are_encrypted(string type, VolumeContentKind kind)
    {
        var image = ExternalTool.SparseFile($"probe-{type}.img", 32 << 20);
        var key = ExternalTool.ScratchPath("luks.key");
        await File.WriteAllTextAsync(key, "not a secret");
        ExternalTool.Run("cryptsetup", "cryptsetup-bin", "luksFormat", "--batch-mode", "--type", type, "--key-file", key, "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", image);

        await using var volume = FileBlockSource.Open(image);
        var content = await VolumeContentProbe.ProbeAsync(volume);

        Assert.Equal(kind, content.Kind);
        Assert.True(content.IsEncrypted);
        Assert.False(content.IsFileSystem);
        AssertAgreesWithBlkid(image, content);
    }

    [Fact]
    public void BitLocker_is_recognised_by_its_signature_and_is_encrypted()
    {
        var head = new byte[4096];
        head[0] = 0xEB;
        head[1] = 0x58;
        head[2] = 0x90;
        "-FVE-FS-"u8.CopyTo(head.AsSpan(3));
        head[510] = 0x55;
        head[511] = 0xAA;

        var content = VolumeContentProbe.Probe(head);

        Assert.Equal(VolumeContentKind.BitLocker, content.Kind);
        Assert.True(content.IsEncrypted);
    }

    [Fact]
    public void Zeros_are_unknown() => Assert.Equal(VolumeContentKind.Unknown, VolumeContentProbe.Probe(new byte[100]).Kind);

    private static void AssertAgreesWithBlkid(string image, VolumeContent content)
    {
        var fields = ExternalTool.Run("blkid", "util-linux", "-p", "-o", "export", image)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        Assert.Equal(fields["TYPE"], content.TypeName);
        Assert.Equal(fields.GetValueOrDefault("UUID"), content.Uuid);
        Assert.Equal(fields.GetValueOrDefault("LABEL"), content.Label);
        if (content.TypeName == "vfat")
        {
            Assert.Equal(fields["VERSION"], content.Kind.ToString().ToUpperInvariant());
        }
    }
}
