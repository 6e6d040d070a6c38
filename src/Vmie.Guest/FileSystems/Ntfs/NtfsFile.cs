using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// A file as its base MFT record and, through an $ATTRIBUTE_LIST, its extension records describe it: every
/// attribute gathered, with the parts a reader needs ($STANDARD_INFORMATION times and flags, $FILE_NAMEs, the
/// reparse point) decoded. Extension records must name this base record; each is read once, so a list that
/// points in circles or at another file's records is caught.
/// </summary>
internal sealed class NtfsFile
{
    private const int MaxExtensionRecords = 4096;
    private const int MaxAttributeListBytes = 1 << 20;
    private const uint EncryptedFileAttribute = 0x4000;

    private readonly int _clusterSize;

    private NtfsFile(NtfsFileRecord record, List<NtfsAttribute> attributes, int clusterSize)
    {
        Number = record.Number;
        SequenceNumber = record.SequenceNumber;
        IsDirectory = record.IsDirectory;
        Attributes = attributes;
        _clusterSize = clusterSize;
        var standard = attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.StandardInformation && a.IsResident);
        if (standard is { Value.Length: >= 0x24 })
        {
            var modified = BinaryPrimitives.ReadInt64LittleEndian(standard.Value.AsSpan(0x08));
            ModifiedTime = modified is > 0 and < 2650467743999999999 ? DateTimeOffset.FromFileTime(modified).ToUniversalTime() : null;
            FileAttributes = BinaryPrimitives.ReadUInt32LittleEndian(standard.Value.AsSpan(0x20));
        }

        FileNames = [.. attributes.Where(a => a.Type == NtfsAttributeType.FileName && a.IsResident).Select(a => NtfsFileName.Parse(a.Value, $"MFT record {Number}"))];
    }

    public long Number { get; }

    public ushort SequenceNumber { get; }

    public bool IsDirectory { get; }

    public IReadOnlyList<NtfsAttribute> Attributes { get; }

    public DateTimeOffset? ModifiedTime { get; }

    public uint FileAttributes { get; }

    public IReadOnlyList<NtfsFileName> FileNames { get; }

    public NtfsReparsePoint? ReparsePoint { get; private set; }

    public bool IsEncrypted => (FileAttributes & EncryptedFileAttribute) != 0;

    public static async ValueTask<NtfsFile> LoadAsync(NtfsVolume volume, long number, CancellationToken cancellationToken)
    {
        var what = $"MFT record {number}";
        var record = await volume.ReadRecordAsync(number, cancellationToken).ConfigureAwait(false);
        if (!record.InUse || record.BaseRecord != 0)
        {
            throw new CorruptFileSystemException($"NTFS {what} is {(record.InUse ? "an extension record" : "not in use")}, not a file.");
        }

        var attributes = record.Attributes.ToList();
        var listAttribute = attributes.Where(a => a.Type == NtfsAttributeType.AttributeList).ToList();
        if (listAttribute.Count > 1)
        {
            throw new CorruptFileSystemException($"NTFS {what}: more than one $ATTRIBUTE_LIST.");
        }

        if (listAttribute.Count == 1)
        {
            attributes = await GatherAsync(volume, record, listAttribute[0], cancellationToken).ConfigureAwait(false);
        }

        var file = new NtfsFile(record, attributes, volume.ClusterSize);
        var reparse = file.Stream(NtfsAttributeType.ReparsePoint, "");
        if (reparse is not null)
        {
            if (reparse.Length > NtfsReparsePoint.MaxSize)
            {
                throw new CorruptFileSystemException($"NTFS {what}: a reparse point of {reparse.Length} bytes.");
            }

            var data = new byte[reparse.Length];
            await reparse.ReadAsync(volume, 0, data, cancellationToken).ConfigureAwait(false);
            file.ReparsePoint = NtfsReparsePoint.Parse(data, what);
        }

        return file;
    }

    /// <summary>The attribute of this type and name (all its extents together), or null.</summary>
    public NtfsStream? Stream(NtfsAttributeType type, string name)
    {
        var extents = Attributes.Where(a => a.Type == type && a.Name == name).ToList();
        return extents.Count == 0 ? null : NtfsStream.Create(extents, _clusterSize, $"MFT record {Number} attribute 0x{(uint)type:X}");
    }

    private static async ValueTask<List<NtfsAttribute>> GatherAsync(NtfsVolume volume, NtfsFileRecord record, NtfsAttribute listAttribute, CancellationToken cancellationToken)
    {
        var what = $"MFT record {record.Number}";
        var listStream = NtfsStream.Create([listAttribute], volume.ClusterSize, $"{what} $ATTRIBUTE_LIST");
        if (listStream.Length > MaxAttributeListBytes)
        {
            throw new CorruptFileSystemException($"NTFS {what}: an $ATTRIBUTE_LIST of {listStream.Length} bytes.");
        }

        var list = new byte[listStream.Length];
        await listStream.ReadAsync(volume, 0, list, cancellationToken).ConfigureAwait(false);
        var records = new Dictionary<long, NtfsFileRecord> { [record.Number] = record };
        var attributes = new List<NtfsAttribute> { listAttribute };
        var seen = new HashSet<(long, ushort)>();
        foreach (var entry in NtfsAttributeListEntry.ParseAll(list, what))
        {
            if (entry.Type == NtfsAttributeType.AttributeList || !seen.Add((entry.RecordNumber, entry.Id)))
            {
                throw new CorruptFileSystemException($"NTFS {what}: the $ATTRIBUTE_LIST names attribute {entry.Id} of record {entry.RecordNumber} twice, or itself.");
            }

            if (!records.TryGetValue(entry.RecordNumber, out var holder))
            {
                if (records.Count > MaxExtensionRecords)
                {
                    throw new CorruptFileSystemException($"NTFS {what}: spread over more than {MaxExtensionRecords} records.");
                }

                holder = await volume.ReadRecordAsync(entry.RecordNumber, cancellationToken).ConfigureAwait(false);
                if (!holder.InUse || holder.BaseRecord != record.Number)
                {
                    throw new CorruptFileSystemException($"NTFS {what}: the $ATTRIBUTE_LIST points at record {entry.RecordNumber}, which is not one of its extension records.");
                }

                records[entry.RecordNumber] = holder;
            }

            if (holder == record)
            {
                continue;
            }

            var attribute = holder.Attributes.FirstOrDefault(a => a.Id == entry.Id && a.Type == entry.Type)
                ?? throw new CorruptFileSystemException($"NTFS {what}: attribute {entry.Id} (type 0x{(uint)entry.Type:X}) is missing from record {entry.RecordNumber}.");
            attributes.Add(attribute);
        }

        attributes.AddRange(record.Attributes.Where(a => a.Type != NtfsAttributeType.AttributeList));
        return attributes;
    }
}
