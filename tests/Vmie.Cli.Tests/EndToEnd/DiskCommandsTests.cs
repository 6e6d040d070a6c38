using System.Text.Json;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>`vmie info` and `vmie convert` as a user runs them (output piped: no progress bar).</summary>
public sealed class DiskCommandsTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");

    [Fact]
    public async Task Info_reports_format_sizes_and_allocated_data_as_json()
    {
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 64L << 20, [(10L << 20, 3L << 20)]);

        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "info", "--json", work.File("disk.raw")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var facts = JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal("raw", facts.GetProperty("format").GetString());
        Assert.Equal(64L << 20, facts.GetProperty("virtualSize").GetInt64());
        Assert.Equal(3L << 20, facts.GetProperty("allocatedBytes").GetInt64());
    }

    [Fact]
    public async Task Convert_copies_a_raw_image_and_says_nothing_when_piped()
    {
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 32L << 20, [(0, 1L << 20), (20L << 20, 4096)]);

        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", work.File("disk.raw"), work.File("copy.img")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.StandardOutput);
        await using var original = File.OpenRead(work.File("disk.raw"));
        await using var copy = File.OpenRead(work.File("copy.img"));
        Assert.True(await DiskImageFile.SameContentAsync(original, copy));
    }

    [SkippableFact]
    public async Task A_vmdk_from_qemu_converts_to_vhd_and_back_to_the_same_bytes()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 48L << 20, [(0, 1L << 20), (17L << 20, 3L << 20), ((48L << 20) - 4096, 4096)]);
        var made = await ProcessRunner.RunAsync(qemuImg, ["convert", "-O", "vmdk", "-o", "subformat=streamOptimized", work.File("disk.raw"), work.File("disk.vmdk")]);
        Assert.True(made.ExitCode == 0, made.ToString());

        var info = await ProcessRunner.RunAsync("dotnet", [Cli, "info", "--json", work.File("disk.vmdk")]);
        Assert.True(info.ExitCode == 0, info.ToString());
        var facts = JsonDocument.Parse(info.StandardOutput).RootElement;
        Assert.Equal("VMDK", facts.GetProperty("format").GetString());
        Assert.Equal("streamOptimized", facts.GetProperty("subformat").GetString());
        Assert.Equal(48L << 20, facts.GetProperty("virtualSize").GetInt64());

        foreach (var (target, file) in new[] { ("vhd", "disk.vhd"), ("vhd-fixed", "fixed.vhd") })
        {
            var toVhd = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--to", target, work.File("disk.vmdk"), work.File(file)]);
            Assert.True(toVhd.ExitCode == 0, toVhd.ToString());
            var back = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--to", "raw", work.File(file), work.File(file + ".raw")]);
            Assert.True(back.ExitCode == 0, back.ToString());
            await using var original = File.OpenRead(work.File("disk.raw"));
            await using var roundTrip = File.OpenRead(work.File(file + ".raw"));
            Assert.True(await DiskImageFile.SameContentAsync(original, roundTrip), $"{target} round trip changed the disk");
        }
    }

    [SkippableFact]
    public async Task A_raw_disk_becomes_an_ova_whose_disk_qemu_reads_back_identical()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 40L << 20, [(0, 1L << 20), (33L << 20, 2L << 20)]);

        var converted = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", work.File("disk.raw"), work.File("server.ova")]);
        Assert.True(converted.ExitCode == 0, converted.ToString());

        var info = await ProcessRunner.RunAsync("dotnet", [Cli, "info", "--json", work.File("server.ova")]);
        Assert.True(info.ExitCode == 0, info.ToString());
        var facts = JsonDocument.Parse(info.StandardOutput).RootElement;
        Assert.Equal("OVA", facts.GetProperty("format").GetString());
        var disk = Assert.Single(facts.GetProperty("disks").EnumerateArray());
        Assert.Equal("server-disk1.vmdk", disk.GetProperty("fileName").GetString());
        Assert.Equal("streamOptimized", disk.GetProperty("subformat").GetString());
        Assert.Equal(3L << 20, disk.GetProperty("allocatedBytes").GetInt64());

        var untar = await ProcessRunner.RunAsync("tar", ["-xf", work.File("server.ova"), "-C", work.Path]);
        Assert.True(untar.ExitCode == 0, untar.ToString());
        var compare = await ProcessRunner.RunAsync(qemuImg, ["compare", "-f", "vmdk", "-F", "raw", work.File("server-disk1.vmdk"), work.File("disk.raw")]);
        Assert.True(compare.ExitCode == 0, compare.ToString());
    }

    [SkippableFact]
    public async Task A_two_disk_ova_lists_both_and_converts_the_one_asked_for()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("boot.raw"), 16L << 20, [(0, 1L << 20)]);
        DiskImageFile.Write(work.File("data.raw"), 24L << 20, [(5L << 20, 1L << 20)]);
        foreach (var name in new[] { "boot", "data" })
        {
            var made = await ProcessRunner.RunAsync(qemuImg, ["convert", "-O", "vmdk", "-o", "subformat=streamOptimized", work.File(name + ".raw"), work.File(name + ".vmdk")]);
            Assert.True(made.ExitCode == 0, made.ToString());
        }

        await File.WriteAllTextAsync(work.File("vm.ovf"), TwoDiskDescriptor);
        var tar = await ProcessRunner.RunAsync("tar", ["--format=ustar", "-cf", work.File("vm.ova"), "-C", work.Path, "vm.ovf", "data.vmdk", "boot.vmdk"]);
        Assert.True(tar.ExitCode == 0, tar.ToString());

        var info = await ProcessRunner.RunAsync("dotnet", [Cli, "info", "--json", work.File("vm.ova")]);
        Assert.True(info.ExitCode == 0, info.ToString());
        var disks = JsonDocument.Parse(info.StandardOutput).RootElement.GetProperty("disks").EnumerateArray().ToList();
        Assert.Equal(["boot.vmdk", "data.vmdk"], disks.Select(d => d.GetProperty("fileName").GetString()));
        Assert.Equal([16L << 20, 24L << 20], disks.Select(d => d.GetProperty("virtualSize").GetInt64()));

        var first = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", work.File("vm.ova"), work.File("first.raw")]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("holds 2 disks; converting disk 1", first.StandardError, StringComparison.Ordinal);
        var second = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--disk", "2", work.File("vm.ova"), work.File("second.raw")]);
        Assert.True(second.ExitCode == 0, second.ToString());
        foreach (var (made, source) in new[] { ("first.raw", "boot.raw"), ("second.raw", "data.raw") })
        {
            await using var expected = File.OpenRead(work.File(source));
            await using var actual = File.OpenRead(work.File(made));
            Assert.True(await DiskImageFile.SameContentAsync(expected, actual), made);
        }

        var wrong = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--disk", "3", work.File("vm.ova"), work.File("third.raw")]);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--disk must be from 1 to 2", wrong.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Info_warns_that_aws_refuses_a_vmdk_that_is_not_stream_optimized()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 8L << 20, [(0, 1L << 20)]);
        var made = await ProcessRunner.RunAsync(qemuImg, ["convert", "-O", "vmdk", work.File("disk.raw"), work.File("sparse.vmdk")]);
        Assert.True(made.ExitCode == 0, made.ToString());

        var info = await ProcessRunner.RunAsync("dotnet", [Cli, "info", work.File("sparse.vmdk")]);

        Assert.True(info.ExitCode == 0, info.ToString());
        Assert.Contains("warning:        AWS imports only stream-optimized VMDKs; this one is monolithicSparse", info.StandardOutput, StringComparison.Ordinal);
    }

    // Data disk listed first in References and DiskSection; the hardware section puts the boot disk on unit 0.
    private const string TwoDiskDescriptor = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
            xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
          <References>
            <File ovf:id="file2" ovf:href="data.vmdk"/>
            <File ovf:id="file1" ovf:href="boot.vmdk"/>
          </References>
          <DiskSection>
            <Info>Virtual disks</Info>
            <Disk ovf:diskId="vmdisk2" ovf:fileRef="file2" ovf:capacity="24" ovf:capacityAllocationUnits="byte * 2^20"
                ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
            <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="16" ovf:capacityAllocationUnits="byte * 2^20"
                ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
          </DiskSection>
          <VirtualSystem ovf:id="vm">
            <Info>A VM</Info>
            <VirtualHardwareSection>
              <Info>Hardware</Info>
              <Item><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType><rasd:Address>0</rasd:Address></Item>
              <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:ElementName>Hard disk 2</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk2</rasd:HostResource><rasd:InstanceID>9</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
              <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>8</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
            </VirtualHardwareSection>
          </VirtualSystem>
        </Envelope>
        """;

    [Fact]
    public async Task Convert_to_a_format_it_cannot_write_names_what_it_can()
    {
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 1L << 20, []);

        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--to", "qcow2", work.File("disk.raw"), work.File("disk.qcow2")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot write 'qcow2' images", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(work.File("disk.qcow2")));
    }

    [Fact]
    public async Task Info_on_a_missing_file_is_one_plain_line()
    {
        using var work = new TemporaryDirectory();
        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "info", work.File("nope.vmdk")]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("vmie info: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
