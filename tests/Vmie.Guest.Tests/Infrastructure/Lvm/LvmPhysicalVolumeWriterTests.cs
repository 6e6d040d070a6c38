using System.IO.Compression;
using System.Text;
using Vmie.Disks.Sources;
using Vmie.Guest.Volumes;

namespace Vmie.Guest.Tests.Infrastructure.Lvm;

/// <summary>The test-side LVM2 writer checked against lvm2 itself: the committed lvm2-made sample, and pvck.</summary>
public sealed class LvmPhysicalVolumeWriterTests
{
    private const long MiB = 1 << 20;

    /// <summary>
    /// Given the sample's PV UUID, device size, metadata text and text offset, the writer reproduces lvm2's label
    /// sector and metadata area header byte for byte (checksums included).
    /// </summary>
    [Fact]
    public void The_writer_reproduces_the_headers_lvm2_wrote()
    {
        var sample = new byte[MiB];
        using (var stream = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Volumes", "Samples", "lvm-pv0.img.gz")), CompressionMode.Decompress))
        {
            stream.ReadExactly(sample);
        }

        // The sample's pv_header and mda_header, as pvck --dump headers shows them.
        var uuid = Encoding.ASCII.GetString(sample, 512 + 32, 32);
        var textOffset = (long)BitConverter.ToUInt64(sample, 4096 + 40);
        var textSize = (int)BitConverter.ToUInt64(sample, 4096 + 48);
        var text = Encoding.UTF8.GetString(sample, (int)(4096 + textOffset), textSize - 1);
        var path = ExternalTool.SparseFile("lvm-writer-sample.img", MiB);

        LvmPhysicalVolumeWriter.Write(path, uuid, 64 * MiB, text, textOffset);

        var written = File.ReadAllBytes(path);
        Assert.Equal(sample[..1024], written[..1024]);
        Assert.Equal(sample[4096..4608], written[4096..4608]);
        Assert.Equal(sample[(int)(4096 + textOffset)..(int)(4096 + textOffset + textSize)], written[(int)(4096 + textOffset)..(int)(4096 + textOffset + textSize)]);
    }

    [SkippableFact]
    public async Task Pvck_accepts_a_written_volume_group_and_the_reader_activates_it()
    {
        var pvcheck = RequiredTool.Require("pvck", "lvm2");
        var pvSize = LvmPhysicalVolumeWriter.DataAreaOffset + (10 * 4 * MiB);
        var path = ExternalTool.SparseFile("lvm-writer-pvck.img", pvSize);
        var text = LvmVolumeGroupText.Format("test-vg", "VgVgVg-0000-1111-2222-3333-4444-555555", 1,
            [new("pv0", "ABCDEF-0000-1111-2222-3333-4444-GHIJKL", pvSize / 512, 10)],
            [new("lv1", "LvLvLv-0000-1111-2222-3333-4444-000001", [new("pv0", 0, 3), new("pv0", 5, 2)]), new("lv2", "LvLvLv-0000-1111-2222-3333-4444-000002", [new("pv0", 3, 2)])]);

        LvmPhysicalVolumeWriter.Write(path, "ABCDEF00001111222233334444GHIJKL", pvSize, text);

        var headers = ExternalTool.Run(pvcheck, "lvm2", "--dump", "headers", path);
        Assert.DoesNotContain("CHECK", headers, StringComparison.Ordinal);
        Assert.Contains("pv_header.pv_uuid ABCDEF00001111222233334444GHIJKL", headers, StringComparison.Ordinal);
        Assert.Contains("# vgname test-vg seqno 1", headers, StringComparison.Ordinal);
        var dumped = ExternalTool.Run(pvcheck, "lvm2", "--dump", "metadata", path);
        Assert.Contains(text.TrimEnd(), dumped, StringComparison.Ordinal);

        await using var source = FileBlockSource.Open(path);
        var found = await GuestVolumes.DiscoverAsync([source]);
        Assert.Empty(found.Problems);
        Assert.Equal(5 * 4 * MiB, found.Volumes.Single(volume => volume.DeviceName == "/dev/mapper/test--vg-lv1").Source.Length);
        Assert.Equal(2 * 4 * MiB, found.Volumes.Single(volume => volume.DeviceName == "/dev/mapper/test--vg-lv2").Source.Length);
    }

    [SkippableFact]
    public void Pvck_refuses_metadata_whose_checksum_does_not_match()
    {
        var pvcheck = RequiredTool.Require("pvck", "lvm2");
        var path = ExternalTool.SparseFile("lvm-writer-damaged.img", 2 * MiB);
        LvmPhysicalVolumeWriter.Write(path, "ABCDEF00001111222233334444GHIJKL", 2 * MiB, LvmVolumeGroupText.Format("vg", "VgVgVg-0000-1111-2222-3333-4444-555555", 1, [], []));
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = LvmPhysicalVolumeWriter.MetadataAreaOffset + 512;
            stream.WriteByte((byte)'W');
        }

        var error = Assert.Throws<InvalidOperationException>(() => ExternalTool.Run(pvcheck, "lvm2", "--dump", "headers", path));
        Assert.Contains("crc does not match", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The PV of the Debian LVM disk (root in two segments, swap between them) passes pvck.</summary>
    [SkippableFact]
    public void Pvck_accepts_the_physical_volume_of_the_debian_lvm_disk()
    {
        var pvcheck = RequiredTool.Require("pvck", "lvm2");
        var (disk, pv) = Inspection.DebianImage.LvmDisk("lvm-writer-debian", 2L << 30, keepPhysicalVolume: true);
        File.Delete(disk);

        var headers = ExternalTool.Run(pvcheck, "lvm2", "--dump", "headers", pv!);
        Assert.DoesNotContain("CHECK", headers, StringComparison.Ordinal);
        Assert.Contains("# vgname vg seqno 3", headers, StringComparison.Ordinal);
        File.Delete(pv!);
    }
}
