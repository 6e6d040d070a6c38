using System.Globalization;
using System.Text;
using System.Xml;

namespace Vmie.Disks.Ova;

/// <summary>
/// Writes the OVF 1.0 descriptor (DSP0243 1.x) of an exported VM in the shape VMware's importers accept:
/// References, DiskSection with the streamOptimized VMDK format URI, NetworkSection, and one VirtualSystem with
/// OperatingSystemSection and a VirtualHardwareSection of family "vmx-07" (CPU, memory, an LSI Logic SCSI
/// controller with the disks on it, optional E1000 adapter). RASD children are in the schema's alphabetical order.
/// </summary>
internal static class OvfEnvelopeWriter
{
    public const string StreamOptimizedFormat = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

    private const string OvfNs = "http://schemas.dmtf.org/ovf/envelope/1";
    private const string RasdNs = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
    private const string VssdNs = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";
    private const string VmwNs = "http://www.vmware.com/schema/ovf";
    private const string CimNs = "http://schemas.dmtf.org/wbem/wscim/1/common";
    private const string XsiNs = "http://www.w3.org/2001/XMLSchema-instance";

    /// <param name="diskFiles">Each disk's member name and file size, in the description's order.</param>
    public static byte[] Write(OvaExportDescription description, IReadOnlyList<(string Name, long Size)> diskFiles)
    {
        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Envelope", OvfNs);
            xml.WriteAttributeString("xmlns", "cim", null, CimNs);
            xml.WriteAttributeString("xmlns", "ovf", null, OvfNs);
            xml.WriteAttributeString("xmlns", "rasd", null, RasdNs);
            xml.WriteAttributeString("xmlns", "vmw", null, VmwNs);
            xml.WriteAttributeString("xmlns", "vssd", null, VssdNs);
            xml.WriteAttributeString("xmlns", "xsi", null, XsiNs);

            xml.WriteStartElement("References", OvfNs);
            for (var i = 0; i < diskFiles.Count; i++)
            {
                xml.WriteStartElement("File", OvfNs);
                xml.WriteAttributeString("href", OvfNs, diskFiles[i].Name);
                xml.WriteAttributeString("id", OvfNs, $"file{i + 1}");
                xml.WriteAttributeString("size", OvfNs, Number(diskFiles[i].Size));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();

            xml.WriteStartElement("DiskSection", OvfNs);
            xml.WriteElementString("Info", OvfNs, "Virtual disk information");
            for (var i = 0; i < description.Disks.Count; i++)
            {
                var disk = description.Disks[i];
                xml.WriteStartElement("Disk", OvfNs);
                xml.WriteAttributeString("capacity", OvfNs, Number(disk.Capacity));
                xml.WriteAttributeString("capacityAllocationUnits", OvfNs, "byte");
                xml.WriteAttributeString("diskId", OvfNs, $"vmdisk{i + 1}");
                xml.WriteAttributeString("fileRef", OvfNs, $"file{i + 1}");
                xml.WriteAttributeString("format", OvfNs, StreamOptimizedFormat);
                xml.WriteAttributeString("populatedSize", OvfNs, Number(disk.PopulatedSize));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();

            if (description.NetworkName is { } network)
            {
                xml.WriteStartElement("NetworkSection", OvfNs);
                xml.WriteElementString("Info", OvfNs, "The list of logical networks");
                xml.WriteStartElement("Network", OvfNs);
                xml.WriteAttributeString("name", OvfNs, network);
                xml.WriteElementString("Description", OvfNs, $"The {network} network");
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            WriteVirtualSystem(xml, description);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return buffer.ToArray();
    }

    private static void WriteVirtualSystem(XmlWriter xml, OvaExportDescription description)
    {
        xml.WriteStartElement("VirtualSystem", OvfNs);
        xml.WriteAttributeString("id", OvfNs, description.Name);
        xml.WriteElementString("Info", OvfNs, "A virtual machine");
        xml.WriteElementString("Name", OvfNs, description.Name);

        xml.WriteStartElement("OperatingSystemSection", OvfNs);
        xml.WriteAttributeString("id", OvfNs, Number(description.OperatingSystemId));
        if (description.VmwareGuestOsType is { } osType)
        {
            xml.WriteAttributeString("osType", VmwNs, osType);
        }

        xml.WriteElementString("Info", OvfNs, "The kind of installed guest operating system");
        xml.WriteEndElement();

        xml.WriteStartElement("VirtualHardwareSection", OvfNs);
        xml.WriteElementString("Info", OvfNs, "Virtual hardware requirements");
        xml.WriteStartElement("System", OvfNs);
        xml.WriteElementString("ElementName", VssdNs, "Virtual Hardware Family");
        xml.WriteElementString("InstanceID", VssdNs, "0");
        xml.WriteElementString("VirtualSystemIdentifier", VssdNs, description.Name);
        // EFI firmware needs virtual hardware 8 or later in VMware products; BIOS VMs keep the widely accepted 7.
        xml.WriteElementString("VirtualSystemType", VssdNs, description.Firmware == OvaFirmware.Efi ? "vmx-08" : "vmx-07");
        xml.WriteEndElement();

        var instance = 1;
        WriteItem(xml, [
            ("AllocationUnits", "hertz * 10^6"),
            ("Description", "Number of Virtual CPUs"),
            ("ElementName", $"{description.CpuCount} virtual CPU(s)"),
            ("InstanceID", Number(instance++)),
            ("ResourceType", "3"),
            ("VirtualQuantity", Number(description.CpuCount))]);
        WriteItem(xml, [
            ("AllocationUnits", "byte * 2^20"),
            ("Description", "Memory Size"),
            ("ElementName", $"{description.MemoryMiB}MB of memory"),
            ("InstanceID", Number(instance++)),
            ("ResourceType", "4"),
            ("VirtualQuantity", Number(description.MemoryMiB))]);
        var controller = instance++;
        WriteItem(xml, [
            ("Address", "0"),
            ("Description", "SCSI Controller"),
            ("ElementName", "SCSI controller 0"),
            ("InstanceID", Number(controller)),
            ("ResourceSubType", "lsilogic"),
            ("ResourceType", "6")]);
        for (var i = 0; i < description.Disks.Count; i++)
        {
            // SCSI unit 7 is the controller itself.
            var unit = i < 7 ? i : i + 1;
            WriteItem(xml, [
                ("AddressOnParent", Number(unit)),
                ("ElementName", $"Hard disk {i + 1}"),
                ("HostResource", $"ovf:/disk/vmdisk{i + 1}"),
                ("InstanceID", Number(instance++)),
                ("Parent", Number(controller)),
                ("ResourceType", "17")]);
        }

        if (description.NetworkName is { } network)
        {
            WriteItem(xml, [
                ("AddressOnParent", "7"),
                ("AutomaticAllocation", "true"),
                ("Connection", network),
                ("Description", $"E1000 ethernet adapter on \"{network}\""),
                ("ElementName", "Network adapter 1"),
                ("InstanceID", Number(instance++)),
                ("ResourceSubType", "E1000"),
                ("ResourceType", "10")]);
        }

        if (description.Firmware == OvaFirmware.Efi)
        {
            xml.WriteStartElement("Config", VmwNs);
            xml.WriteAttributeString("required", OvfNs, "false");
            xml.WriteAttributeString("key", VmwNs, "firmware");
            xml.WriteAttributeString("value", VmwNs, "efi");
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteItem(XmlWriter xml, (string Name, string Value)[] properties)
    {
        xml.WriteStartElement("Item", OvfNs);
        foreach (var (name, value) in properties)
        {
            xml.WriteElementString(name, RasdNs, value);
        }

        xml.WriteEndElement();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
