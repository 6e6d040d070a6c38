using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Lvm;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Tests.Volumes;

public sealed class LvmTests
{
    private const long MiB = 1 << 20;
    private const long Extent = 4 * MiB;
    private const long Chunk = 64 * 1024;

    /// <summary>
    /// Samples/lvm-pv{0,1}.img.gz: the first MiB of two 64 MiB PVs made by lvm2 2.03 (pvcreate, vgcreate
    /// vmie-test, lvcreate -L 20M -n root, lvcreate -i 2 -I 64k -L 40M -n data, lvextend -L +48M root).
    /// lvs -o+seg_pe_ranges said: root = pv0:0-4, pv0:10-14, pv1:5-11; data = pv0:5-9 + pv1:0-4, 2 stripes.
    /// </summary>
    [Fact]
    public async Task Real_lvm2_volume_group_maps_linear_and_striped_volumes_as_lvs_reported()
    {
        await using var pv0 = FileBlockSource.Open(RestorePhysicalVolume(0));
        await using var pv1 = FileBlockSource.Open(RestorePhysicalVolume(1));

        var found = await GuestVolumes.DiscoverAsync([pv0, pv1]);

        Assert.Empty(found.Problems);
        Assert.Equal(["/dev/sda", "/dev/sdb", "/dev/mapper/vmie--test-root", "/dev/mapper/vmie--test-data"], found.Volumes.Select(v => v.DeviceName));
        Assert.Equal(VolumeContentKind.LvmPhysicalVolume, found.Volumes[0].Content.Kind);
        var root = found.Volumes.Single(v => v.LogicalVolume == "root");
        var data = found.Volumes.Single(v => v.LogicalVolume == "data");
        Assert.Equal(["/dev/vmie-test/root"], root.AlternateNames);
        Assert.Equal(17 * Extent, root.Source.Length);
        Assert.Equal(10 * Extent, data.Source.Length);

        (int Pv, long Pe)[] rootExtents = [.. Range(0, 0, 5), .. Range(0, 10, 5), .. Range(1, 5, 7)];
        await AssertTagsAsync(root.Source, offset => (rootExtents[offset / Extent].Pv, MiB + (rootExtents[offset / Extent].Pe * Extent) + (offset % Extent)));
        await AssertTagsAsync(data.Source, offset =>
        {
            var chunk = offset / Chunk;
            var stripe = (int)(chunk % 2);
            var firstPe = stripe == 0 ? 5 : 0;
            return (stripe, MiB + (firstPe * Extent) + ((chunk / 2) * Chunk));
        });

        // A read that spans chunks and segments returns the same bytes as chunk-sized reads.
        var big = new byte[3 * Chunk];
        Assert.Equal(big.Length, await data.Source.ReadAtAsync(Chunk - 100, big));
        var small = new byte[100];
        await data.Source.ReadAtAsync((2 * Chunk) - 100, small);
        Assert.Equal(small, big[(int)Chunk..(int)(Chunk + 100)]);
    }

    [Fact]
    public async Task Unsupported_segment_types_and_missing_physical_volumes_fail_activation_with_the_documented_error()
    {
        var text = VolumeGroupText(
            pvs: ["pv0", "AAAAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAAAA", "pv1", "BBBBBB-BBBB-BBBB-BBBB-BBBB-BBBB-BBBBBB"],
            lvs: """
                good { status = ["READ", "WRITE", "VISIBLE"] segment_count = 1
                  segment1 { start_extent = 0 extent_count = 2 type = "striped" stripe_count = 1 stripes = ["pv0", 0] } }
                thin { status = ["READ", "WRITE", "VISIBLE"] segment_count = 1
                  segment1 { start_extent = 0 extent_count = 2 type = "thin" thin_pool = "pool" } }
                elsewhere { status = ["READ", "WRITE", "VISIBLE"] segment_count = 1
                  segment1 { start_extent = 0 extent_count = 1 type = "striped" stripe_count = 1 stripes = ["pv1", 0] } }
                hidden { status = ["READ", "WRITE"] segment_count = 1
                  segment1 { start_extent = 0 extent_count = 1 type = "raid1" } }
                """);
        var disk = SyntheticPhysicalVolume("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", text);

        var found = await GuestVolumes.DiscoverAsync([disk]);

        Assert.Equal(["/dev/sda", "/dev/mapper/vg-good"], found.Volumes.Select(v => v.DeviceName));
        Assert.Equal(2 * Extent, found.Volumes[1].Source.Length);
        Assert.Equal(2, found.Problems.Count);
        Assert.All(found.Problems, p => Assert.Equal("ClientError: Unsupported configuration - Logical volume group activation failed", p.StatusMessage));
        Assert.Contains(found.Problems, p => p.Subject == "vg/thin" && p.Detail.Contains("\"thin\"", StringComparison.Ordinal));
        Assert.Contains(found.Problems, p => p.Subject == "vg/elsewhere" && p.Detail.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Extents_past_the_physical_volume_fail_activation()
    {
        var text = VolumeGroupText(
            pvs: ["pv0", "AAAAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAAAA"],
            lvs: """
                big { status = ["VISIBLE"] segment1 { start_extent = 0 extent_count = 9223372036854775807 type = "striped" stripe_count = 1 stripes = ["pv0", 0] } }
                """);

        var found = await GuestVolumes.DiscoverAsync([SyntheticPhysicalVolume("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", text)]);

        var problem = Assert.Single(found.Problems);
        Assert.Equal(VolumeProblemKind.LvmActivationFailed, problem.Kind);
    }

    [Fact]
    public async Task Deeply_nested_or_damaged_metadata_is_a_problem_found_fast()
    {
        var deep = "vg {" + string.Concat(Enumerable.Repeat("a {", 100_000)) + string.Concat(Enumerable.Repeat("}", 100_000)) + "}";
        var watch = Stopwatch.StartNew();

        var found = await GuestVolumes.DiscoverAsync([SyntheticPhysicalVolume("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", deep)]);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        var problem = Assert.Single(found.Problems);
        Assert.Equal(VolumeProblemKind.LvmActivationFailed, problem.Kind);
        Assert.Contains("nest deeper", problem.Detail, StringComparison.Ordinal);

        var damaged = SyntheticPhysicalVolumeBytes("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", VolumeGroupText(["pv0", "AAAAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAAAA"], ""));
        damaged[4096 + 512 + 3] ^= 1;
        var corrupt = await GuestVolumes.DiscoverAsync([new MemoryBlockSource(damaged)]);
        Assert.Contains("bad checksum", Assert.Single(corrupt.Problems).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vg { a = [1, \"x\" }")]
    [InlineData("vg { a = \"unterminated }")]
    [InlineData("vg { a = 1")]
    [InlineData("}")]
    [InlineData("vg { = 1 }")]
    public void Malformed_metadata_text_is_refused(string text) =>
        Assert.Throws<CorruptVolumeException>(() => LvmConfigParser.Parse(text));

    [Fact]
    public void Metadata_text_values_parse()
    {
        var root = LvmConfigParser.Parse("""
            # comment
            vg {
                id = "a-b" # trailing
                seqno = 7
                status = ["READ", "WRITE"]
                escaped = "quote \" here"
                nested { deeper { n = -3 } }
            }
            contents = "Text Format Volume Group"
            """);
        var vg = root.Section("vg")!;
        Assert.Equal("a-b", vg.String("id"));
        Assert.Equal(7, vg.Integer("seqno"));
        Assert.Equal(["READ", "WRITE"], vg.List("status")!);
        Assert.Equal("quote \" here", vg.String("escaped"));
        Assert.Equal(-3, vg.Section("nested")!.Section("deeper")!.Integer("n"));
        Assert.Equal("Text Format Volume Group", root.String("contents"));
    }

    private static IEnumerable<(int, long)> Range(int pv, long firstPe, int count) => Enumerable.Range(0, count).Select(i => (pv, firstPe + i));

    private static string RestorePhysicalVolume(int index)
    {
        var path = ExternalTool.SparseFile($"lvm-pv{index}.img", 64 * MiB);
        using (var output = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            using (var sample = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Volumes", "Samples", $"lvm-pv{index}.img.gz")), CompressionMode.Decompress))
            {
                sample.CopyTo(output);
            }

            // Each 64 KiB chunk of the data area is tagged with its PV and offset, so a mapping error shows.
            for (var offset = MiB; offset < 64 * MiB; offset += Chunk)
            {
                output.Position = offset;
                output.Write(Tag(index, offset));
            }
        }

        return path;
    }

    private static byte[] Tag(int pv, long offset) => Encoding.ASCII.GetBytes($"pv{pv}@{offset:D12}");

    private static async Task AssertTagsAsync(IBlockSource lv, Func<long, (int Pv, long Offset)> expected)
    {
        var buffer = new byte[16];
        for (var offset = 0L; offset < lv.Length; offset += Chunk)
        {
            Assert.Equal(buffer.Length, await lv.ReadAtAsync(offset, buffer));
            var (pv, at) = expected(offset);
            Assert.Equal(Encoding.ASCII.GetString(Tag(pv, at)), Encoding.ASCII.GetString(buffer));
        }
    }

    private static string VolumeGroupText(string[] pvs, string lvs)
    {
        var builder = new StringBuilder("vg {\nid = \"VGVGVG-VGVG-VGVG-VGVG-VGVG-VGVG-VGVGVG\"\nseqno = 3\nextent_size = 8192\nphysical_volumes {\n");
        for (var i = 0; i < pvs.Length; i += 2)
        {
            builder.Append($"{pvs[i]} {{ id = \"{pvs[i + 1]}\" device = \"/dev/x\" pe_start = 2048 pe_count = 4 }}\n");
        }

        return builder.Append("}\nlogical_volumes {\n").Append(lvs).Append("\n}\n}\ncontents = \"Text Format Volume Group\"\nversion = 1\n").ToString();
    }

    /// <summary>A 20 MiB PV written from the format's facts: label in sector 1, metadata area at 4 KiB, data from 1 MiB.</summary>
    private static MemoryBlockSource SyntheticPhysicalVolume(string uuid, string metadata) => new(SyntheticPhysicalVolumeBytes(uuid, metadata));

    private static byte[] SyntheticPhysicalVolumeBytes(string uuid, string metadata)
    {
        var device = new byte[20 * MiB];
        var label = device.AsSpan(512, 512);
        "LABELONE"u8.CopyTo(label);
        BinaryPrimitives.WriteUInt64LittleEndian(label[8..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(label[20..], 32);
        "LVM2 001"u8.CopyTo(label[24..]);
        Encoding.ASCII.GetBytes(uuid).CopyTo(label[32..]);
        BinaryPrimitives.WriteUInt64LittleEndian(label[64..], (ulong)device.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(label[72..], (ulong)MiB);
        BinaryPrimitives.WriteUInt64LittleEndian(label[104..], 4096);
        BinaryPrimitives.WriteUInt64LittleEndian(label[112..], (ulong)(MiB - 4096));
        BinaryPrimitives.WriteUInt32LittleEndian(label[16..], LvmChecksum.Compute(label[20..]));

        var text = Encoding.UTF8.GetBytes(metadata);
        text.CopyTo(device, 4096 + 512);
        var header = device.AsSpan(4096, 512);
        " LVM2 x[5A%r0N*>"u8.CopyTo(header[4..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], 4096);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)(MiB - 4096));
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], 512);
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], (ulong)text.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], LvmChecksum.Compute(text));
        BinaryPrimitives.WriteUInt32LittleEndian(header, LvmChecksum.Compute(header[4..]));
        return device;
    }
}
