using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Vmie.Disks.Tests.Ova;

/// <summary>Builds OVAs the way other tools do: an OVF descriptor written here, disks from qemu-img, archived by GNU tar.</summary>
internal static class OvaFixture
{
    public const string StreamOptimized = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

    /// <summary>A disk of the descriptor: its file, capacity and its unit on the SCSI controller.</summary>
    public sealed record Disk(string Href, long Capacity, int Unit, string Units = "byte", string? FileAttributes = null);

    /// <summary>An OVF descriptor listing <paramref name="disks"/> in DiskSection order, each attached at its unit.</summary>
    public static string Descriptor(int version, params Disk[] disks)
    {
        var ns = version == 1 ? "http://schemas.dmtf.org/ovf/envelope/1" : "http://schemas.dmtf.org/ovf/envelope/2";
        var text = new StringBuilder();
        text.Append($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="{ns}" xmlns:ovf="{ns}" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
              <References>

            """);
        for (var i = 0; i < disks.Length; i++)
        {
            text.Append($"""    <File ovf:id="file{i}" ovf:href="{disks[i].Href}" {disks[i].FileAttributes}/>""").Append('\n');
        }

        text.Append("  </References>\n  <DiskSection>\n    <Info>disks</Info>\n");
        for (var i = 0; i < disks.Length; i++)
        {
            var units = disks[i].Units == "byte" ? disks[i].Capacity : disks[i].Capacity >> 20;
            text.Append($"""    <Disk ovf:diskId="d{i}" ovf:fileRef="file{i}" ovf:capacity="{units}" ovf:capacityAllocationUnits="{disks[i].Units}" ovf:format="{StreamOptimized}"/>""").Append('\n');
        }

        text.Append("""
              </DiskSection>
              <VirtualSystem ovf:id="vm">
                <Info>A VM</Info>
                <VirtualHardwareSection>
                  <Info>hw</Info>
                  <Item><rasd:ElementName>ide</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>5</rasd:ResourceType><rasd:Address>0</rasd:Address></Item>
                  <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>

            """);
        for (var i = 0; i < disks.Length; i++)
        {
            text.Append($"""      <Item><rasd:AddressOnParent>{disks[i].Unit}</rasd:AddressOnParent><rasd:ElementName>Hard disk {i}</rasd:ElementName><rasd:HostResource>ovf:/disk/d{i}</rasd:HostResource><rasd:InstanceID>{10 + i}</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>""").Append('\n');
        }

        text.Append("    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n");
        return text.ToString();
    }

    /// <summary>Writes a manifest of SHA256 (or SHA1) digests of the named files in <paramref name="directory"/>.</summary>
    public static void WriteManifest(string directory, string manifestName, string algorithm, params string[] files)
    {
        var text = new StringBuilder();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(directory, file));
            var digest = algorithm == "SHA1" ? SHA1.HashData(bytes) : SHA256.HashData(bytes);
            text.Append($"{algorithm}({file})= {Convert.ToHexStringLower(digest)}\n");
        }

        File.WriteAllText(Path.Combine(directory, manifestName), text.ToString());
    }

    /// <summary>Runs GNU tar to archive <paramref name="members"/> (in that order) from <paramref name="directory"/>.</summary>
    public static void Tar(string directory, string archive, string format, params string[] members)
    {
        Run(directory, ["--format=" + format, "-cf", archive, .. members]);
    }

    public static string Run(string directory, params string[] arguments)
    {
        var tar = RequiredTool.Require("tar", "tar");
        var info = new ProcessStartInfo(tar) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tar {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }
}
