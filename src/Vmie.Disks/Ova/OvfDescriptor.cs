using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Ova;

/// <summary>
/// The parts of an OVF descriptor (DMTF DSP0243, OVF 1.x and 2.x envelopes) an importer needs: the files
/// (References), the disks (DiskSection) and the order the virtual hardware attaches them in
/// (VirtualHardwareSection items: ResourceType 17 disk drives whose HostResource is "ovf:/disk/ID" and
/// whose Parent is a controller item). The XML is read with DTDs prohibited and no external resolution.
/// </summary>
public sealed class OvfDescriptor
{
    /// <summary>Largest descriptor accepted; real ones are a few tens of KiB.</summary>
    public const long MaxDescriptorBytes = 16L << 20;

    private const string Ovf1Namespace = "http://schemas.dmtf.org/ovf/envelope/1";
    private const string Ovf2Namespace = "http://schemas.dmtf.org/ovf/envelope/2";
    private const string ParsingError = "OVF file parsing error: ";

    // CIM_ResourceAllocationSettingData.ResourceType values (DSP1041) for disk drives and their controllers.
    private const int ResourceTypeIde = 5;
    private const int ResourceTypeScsi = 6;
    private const int ResourceTypeFibreChannel = 7;
    private const int ResourceTypeIscsi = 8;
    private const int ResourceTypeOtherStorage = 20;
    private const int ResourceTypeDiskDrive = 17;

    private OvfDescriptor(int version, IReadOnlyList<OvfFileReference> files, IReadOnlyList<OvfDisk> disks, string? virtualSystemId, IReadOnlyList<string> warnings)
    {
        Version = version;
        Files = files;
        Disks = disks;
        VirtualSystemId = virtualSystemId;
        Warnings = warnings;
    }

    /// <summary>1 or 2: the envelope namespace's major version.</summary>
    public int Version { get; }

    public IReadOnlyList<OvfFileReference> Files { get; }

    /// <summary>
    /// The disks in boot order: attached disks by controller kind (IDE, SATA, SCSI, then others, as a PC
    /// firmware enumerates them), controller address, then unit; disks no item attaches come last, in
    /// DiskSection order.
    /// </summary>
    public IReadOnlyList<OvfDisk> Disks { get; }

    public string? VirtualSystemId { get; }

    public IReadOnlyList<string> Warnings { get; }

    public OvfFileReference? FindFile(string id) => Files.FirstOrDefault(f => string.Equals(f.Id, id, StringComparison.Ordinal));

    /// <summary>Parses a descriptor from <paramref name="stream"/> (read to at most <see cref="MaxDescriptorBytes"/>).</summary>
    public static OvfDescriptor Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxDescriptorBytes,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            document = XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException e)
        {
            throw new InvalidDiskImageException(ParsingError + "the descriptor is not well-formed XML (" + e.Message + ")", e);
        }

        return FromDocument(document);
    }

    private static OvfDescriptor FromDocument(XDocument document)
    {
        var envelope = document.Root!;
        var version = envelope.Name.NamespaceName switch
        {
            Ovf1Namespace => 1,
            Ovf2Namespace => 2,
            _ => 0,
        };
        if (envelope.Name.LocalName != "Envelope" || version == 0)
        {
            throw new InvalidDiskImageException(ParsingError + $"the root element is {{{envelope.Name.NamespaceName}}}{envelope.Name.LocalName}, not an OVF 1.x or 2.x Envelope");
        }

        var ns = (XNamespace)envelope.Name.NamespaceName;
        var warnings = new List<string>();
        var files = ParseFiles(envelope, ns);
        var disks = ParseDisks(envelope, ns, files);
        var systems = envelope.Descendants(ns + "VirtualSystem").ToList();
        if (systems.Count > 1)
        {
            throw new UnsupportedDiskImageException(ParsingError + $"the OVA describes {systems.Count} virtual systems; only one virtual system per OVA is supported");
        }

        var system = systems.FirstOrDefault();
        var ordered = system is null ? disks : OrderByHardware(system, ns, disks, warnings);
        return new OvfDescriptor(version, files, ordered, system is null ? null : Attribute(system, ns, "id"), warnings);
    }

    private static List<OvfFileReference> ParseFiles(XElement envelope, XNamespace ns)
    {
        var files = new List<OvfFileReference>();
        foreach (var file in envelope.Elements(ns + "References").Elements(ns + "File"))
        {
            var id = Required(file, ns, "id", "References/File");
            var href = Required(file, ns, "href", "References/File");
            if (files.Any(f => f.Id == id))
            {
                throw new InvalidDiskImageException(ParsingError + $"the file id '{id}' appears twice in References");
            }

            files.Add(new OvfFileReference(id, href, OptionalLong(file, ns, "size"), OptionalLong(file, ns, "chunkSize"), Attribute(file, ns, "compression")));
        }

        return files;
    }

    private static List<OvfDisk> ParseDisks(XElement envelope, XNamespace ns, List<OvfFileReference> files)
    {
        var disks = new List<OvfDisk>();
        foreach (var disk in envelope.Elements(ns + "DiskSection").Elements(ns + "Disk"))
        {
            var diskId = Required(disk, ns, "diskId", "DiskSection/Disk");
            var fileRef = Attribute(disk, ns, "fileRef")
                ?? throw new UnsupportedDiskImageException(ParsingError + $"disk '{diskId}' has no file (a blank disk to create); only disks with contents are supported");
            if (!files.Any(f => f.Id == fileRef))
            {
                throw new InvalidDiskImageException(ParsingError + $"disk '{diskId}' refers to file '{fileRef}', which References does not list");
            }

            if (disks.Any(d => d.DiskId == diskId))
            {
                throw new InvalidDiskImageException(ParsingError + $"the disk id '{diskId}' appears twice in DiskSection");
            }

            var capacityText = Required(disk, ns, "capacity", "DiskSection/Disk");
            if (!long.TryParse(capacityText, NumberStyles.None, CultureInfo.InvariantCulture, out var capacity))
            {
                throw new UnsupportedDiskImageException(ParsingError + $"disk '{diskId}' has capacity '{capacityText}', which is not a whole number of units (property references are not supported)");
            }

            var unit = AllocationUnitBytes(Attribute(disk, ns, "capacityAllocationUnits"), diskId);
            long bytes;
            try
            {
                bytes = checked(capacity * unit);
            }
            catch (OverflowException)
            {
                bytes = long.MaxValue;
            }

            DiskImageLimits.CheckVirtualSize(bytes, $"OVF disk '{diskId}'");
            disks.Add(new OvfDisk(diskId, fileRef, bytes, OptionalLong(disk, ns, "populatedSize"), Attribute(disk, ns, "format"), null, null, null));
        }

        return disks;
    }

    /// <summary>DSP0004 programmatic units: "byte", optionally times factors such as "2^30", "10^9" or "1024".</summary>
    private static long AllocationUnitBytes(string? units, string diskId)
    {
        if (units is null)
        {
            return 1;
        }

        var factors = units.Split('*', StringSplitOptions.TrimEntries);
        if (!string.Equals(factors[0], "byte", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDiskImageException(ParsingError + $"disk '{diskId}' has capacityAllocationUnits '{units}', which is not a multiple of bytes");
        }

        long result = 1;
        try
        {
            foreach (var factor in factors.Skip(1))
            {
                var caret = factor.IndexOf('^', StringComparison.Ordinal);
                long value;
                if (caret > 0 && int.TryParse(factor[..caret], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                    && int.TryParse(factor[(caret + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var e) && e <= 64)
                {
                    value = 1;
                    for (var i = 0; i < e; i++)
                    {
                        value = checked(value * b);
                    }
                }
                else if (!long.TryParse(factor, NumberStyles.None, CultureInfo.InvariantCulture, out value))
                {
                    throw new InvalidDiskImageException(ParsingError + $"disk '{diskId}' has capacityAllocationUnits '{units}', which is not understood");
                }

                result = checked(result * value);
            }
        }
        catch (OverflowException)
        {
            throw new InvalidDiskImageException(ParsingError + $"disk '{diskId}' has capacityAllocationUnits '{units}', which is impossibly large");
        }

        return result == 0 ? throw new InvalidDiskImageException(ParsingError + $"disk '{diskId}' has a zero capacityAllocationUnits") : result;
    }

    private static List<OvfDisk> OrderByHardware(XElement system, XNamespace ns, List<OvfDisk> disks, List<string> warnings)
    {
        var sections = system.Elements(ns + "VirtualHardwareSection").ToList();
        if (sections.Count == 0)
        {
            warnings.Add("The OVF virtual system has no VirtualHardwareSection; disks are taken in DiskSection order.");
            return disks;
        }

        if (sections.Count > 1)
        {
            warnings.Add("The OVF virtual system has several VirtualHardwareSections; the first one orders the disks.");
        }

        // Items are "Item" in OVF 1.x; OVF 2.x adds "StorageItem" and "EthernetPortItem" with the same children.
        var items = sections[0].Elements()
            .Where(e => e.Name.Namespace == ns && e.Name.LocalName is "Item" or "StorageItem" or "EthernetPortItem")
            .Select(e => new HardwareItem(
                Child(e, "InstanceID"),
                ParseInt(Child(e, "ResourceType")),
                Child(e, "ResourceSubType"),
                Child(e, "Parent"),
                Child(e, "HostResource"),
                ParseInt(Child(e, "Address")),
                ParseInt(Child(e, "AddressOnParent"))))
            .ToList();

        var attached = new List<(OvfDisk Disk, int Rank, int Position)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, position) in items.Select((item, i) => (item, i)))
        {
            if (item.ResourceType != ResourceTypeDiskDrive || item.HostResource is null)
            {
                continue;
            }

            var diskId = DiskIdOf(item.HostResource);
            var disk = disks.FirstOrDefault(d => d.DiskId == diskId)
                ?? throw new InvalidDiskImageException(ParsingError + $"a disk drive item refers to '{item.HostResource}', which DiskSection does not list");
            if (!seen.Add(diskId))
            {
                throw new InvalidDiskImageException(ParsingError + $"disk '{diskId}' is attached twice in the virtual hardware");
            }

            var controller = item.Parent is null ? null : items.FirstOrDefault(i => i.InstanceId == item.Parent);
            if (item.Parent is not null && controller is null)
            {
                warnings.Add($"Disk '{diskId}' names parent item '{item.Parent}', which the virtual hardware does not list.");
            }

            var (kind, rank) = controller is null ? ((string?)null, 9) : ControllerKind(controller);
            attached.Add((disk with { ControllerType = kind, ControllerAddress = controller?.Address, AddressOnParent = item.AddressOnParent }, rank, position));
        }

        var ordered = attached
            .OrderBy(a => a.Rank)
            .ThenBy(a => a.Disk.ControllerAddress ?? int.MaxValue)
            .ThenBy(a => a.Disk.AddressOnParent ?? int.MaxValue)
            .ThenBy(a => a.Position)
            .Select(a => a.Disk)
            .ToList();
        foreach (var disk in disks.Where(d => !seen.Contains(d.DiskId)))
        {
            warnings.Add($"Disk '{disk.DiskId}' is not attached to any controller in the virtual hardware; it is placed after the attached disks.");
            ordered.Add(disk);
        }

        return ordered;
    }

    /// <summary>HostResource "ovf:/disk/ID" (OVF 1.x/2.x; older files write "/disk/ID" or "ovf://disk/ID").</summary>
    private static string DiskIdOf(string hostResource)
    {
        var path = hostResource.StartsWith("ovf:", StringComparison.Ordinal) ? hostResource[4..] : hostResource;
        path = path.TrimStart('/');
        if (path.StartsWith("disk/", StringComparison.Ordinal))
        {
            return path[5..];
        }

        throw new UnsupportedDiskImageException(ParsingError + $"a disk drive's HostResource is '{hostResource}'; only ovf:/disk/ references are supported");
    }

    private static (string Kind, int Rank) ControllerKind(HardwareItem controller)
    {
        var subtype = controller.ResourceSubType ?? "";
        return controller.ResourceType switch
        {
            ResourceTypeIde => ("IDE", 0),
            ResourceTypeOtherStorage when subtype.Contains("nvme", StringComparison.OrdinalIgnoreCase) => ("NVMe", 3),
            ResourceTypeOtherStorage when subtype.Contains("sata", StringComparison.OrdinalIgnoreCase) || subtype.Contains("ahci", StringComparison.OrdinalIgnoreCase) => ("SATA", 1),
            ResourceTypeScsi => ("SCSI", 2),
            ResourceTypeFibreChannel => ("FibreChannel", 4),
            ResourceTypeIscsi => ("iSCSI", 4),
            _ => ("Other", 5),
        };
    }

    private static string? Attribute(XElement element, XNamespace ns, string name) =>
        (element.Attribute(ns + name) ?? element.Attribute(name))?.Value;

    private static string Required(XElement element, XNamespace ns, string name, string where) =>
        Attribute(element, ns, name) ?? throw new InvalidDiskImageException(ParsingError + $"{where} has no ovf:{name} attribute");

    private static long? OptionalLong(XElement element, XNamespace ns, string name)
    {
        var text = Attribute(element, ns, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDiskImageException(ParsingError + $"{element.Name.LocalName} has ovf:{name}=\"{text}\", which is not a number");
    }

    private static string? Child(XElement item, string localName) =>
        item.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value.Trim();

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private sealed record HardwareItem(string? InstanceId, int? ResourceType, string? ResourceSubType, string? Parent, string? HostResource, int? Address, int? AddressOnParent);
}
