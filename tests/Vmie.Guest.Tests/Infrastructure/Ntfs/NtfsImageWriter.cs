using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// Writes a fresh NTFS 3.1 volume holding a host directory tree, without mounting anything (what mkfs.ext4 -d
/// does for ext4; ntfs-3g's tools cannot make directories on an unmounted volume). The system files are those of
/// a volume Windows or mkntfs leaves cleanly unmounted: $MFT (with its $BITMAP) and the $MFTMirr copy of records
/// 0-3, $LogFile filled with 0xFF (an empty journal), $Volume (label, version 3.1, no dirty flag), $AttrDef, the
/// root ".", $Bitmap, $Boot, $BadClus (a sparse $Bad stream), $Secure (empty $SDS, $SDH and $SII), $UpCase and an
/// empty $Extend; records 12-15 are reserved. Files get $STANDARD_INFORMATION, one $FILE_NAME in the Win32
/// namespace (POSIX when the name is not a valid Win32 name) and $DATA, resident when it fits the record, else
/// one contiguous run. Directories get an $I30 index, spilling into INDX blocks when the root node is full.
/// Everything is laid out from cluster 0 upwards in a fixed order with fixed times, so the same tree gives the
/// same bytes. The target region must read as zeros (a fresh sparse file): only used clusters are written.
/// </summary>
internal sealed class NtfsImageWriter
{
    private const long RootRecord = 5;
    private const int FirstUserRecord = 16;
    private const int MinimumMftRecords = 64;
    private const int BootBytes = 8192;
    private const int LogFileBytes = 2 << 20;
    private const long FixedTime = 0x01D5_1234_5678_9000; // a fixed instant in 2019, so images are reproducible
    private const uint HiddenSystem = 0x06;
    private const uint Archive = 0x20;
    private const uint IndexPresent = 0x10000000;
    private const uint ViewIndexPresent = 0x20000000;
    private const byte Posix = 0;
    private const byte Win32 = 1;
    private const byte Win32AndDos = 3;
    private const uint StandardInformation = 0x10;
    private const uint FileName = 0x30;
    private const uint VolumeName = 0x60;
    private const uint VolumeInformation = 0x70;
    private const uint Data = 0x80;
    private const uint IndexRoot = 0x90;
    private const uint IndexAllocation = 0xA0;
    private const uint Bitmap = 0xB0;

    private static readonly string[] SystemNames = ["$MFT", "$MFTMirr", "$LogFile", "$Volume", "$AttrDef", ".", "$Bitmap", "$Boot", "$BadClus", "$Secure", "$UpCase", "$Extend"];

    private readonly SafeFileHandle _target;
    private readonly long _offset;
    private readonly NtfsGeometry _geometry;
    private readonly NtfsImageOptions _options;
    private readonly List<Node> _users = [];
    private long _nextLcn;

    private NtfsImageWriter(SafeFileHandle target, long offset, NtfsGeometry geometry, NtfsImageOptions options)
    {
        _target = target;
        _offset = offset;
        _geometry = geometry;
        _options = options;
    }

    /// <summary>A new sparse file of <paramref name="size"/> bytes holding an NTFS volume with <paramref name="sourceDirectory"/>'s tree.</summary>
    public static string CreateVolumeFile(string path, long size, string sourceDirectory, NtfsImageOptions? options = null)
    {
        File.Delete(path);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            stream.SetLength(size);
            Write(stream.SafeFileHandle, 0, size, sourceDirectory, options ?? new NtfsImageOptions());
        }

        return path;
    }

    /// <summary>Writes the volume into <paramref name="target"/>'s bytes [offset, offset + size), which must read as zeros.</summary>
    public static void Write(SafeFileHandle target, long offset, long size, string sourceDirectory, NtfsImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (size < 8L << 20 || size % 4096 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "An NTFS volume here is at least 8 MiB and a whole number of 4 KiB clusters.");
        }

        new NtfsImageWriter(target, offset, new NtfsGeometry(size), options).Run(sourceDirectory);
    }

    private static ulong Reference(long record, ushort sequence) => ((ulong)sequence << 48) | (ulong)record;

    private static ushort SystemSequence(long record) => record == 0 ? (ushort)1 : (ushort)record;

    private static ulong RootReference => Reference(RootRecord, SystemSequence(RootRecord));

    private void Run(string sourceDirectory)
    {
        var root = new Node { Name = ".", Record = RootRecord, Sequence = SystemSequence(RootRecord), IsDirectory = true, Namespace = Win32AndDos, Attributes = HiddenSystem | IndexPresent };
        Scan(root, sourceDirectory);

        var mftRecords = Math.Max(MinimumMftRecords, (FirstUserRecord + _users.Count + 3) & ~3);
        var mftBytes = (long)mftRecords * _geometry.RecordSize;
        var mftBitmapBytes = Align((mftRecords + 7) / 8, 8);
        var bitmapBytes = Align((_geometry.ClusterCount + 7) / 8, 8);
        var upCase = NtfsSystemTables.UpCaseTable();
        var attrDef = NtfsSystemTables.AttrDef();

        var boot = Allocate(BootBytes);
        var mft = Allocate(mftBytes);
        var mftBitmap = Allocate(mftBitmapBytes);
        var mirror = Allocate(4L * _geometry.RecordSize);
        var logFile = Allocate(LogFileBytes);
        var attrDefRun = Allocate(attrDef.Length);
        var upCaseRun = Allocate(upCase.Length);
        var bitmapRun = Allocate(bitmapBytes);

        var records = new Dictionary<long, byte[]>();
        var rootKeys = SystemNames.Select((name, record) => new NtfsIndexKey(
                Reference(record, SystemSequence(record)),
                FileNameValue(RootReference, name, Win32AndDos, SystemFileSizes(record, mftBytes, bitmapBytes, upCase.Length, attrDef.Length), SystemAttributes(record))))
            .Concat(root.Children.Select(child => new NtfsIndexKey(child.Reference, child.FileNameValue())))
            .ToList();
        records[RootRecord] = DirectoryRecord(root, rootKeys).Build(_geometry.RecordSize);
        foreach (var node in _users)
        {
            records[node.Record] = node.IsDirectory
                ? DirectoryRecord(node, [.. node.Children.Select(child => new NtfsIndexKey(child.Reference, child.FileNameValue()))]).Build(_geometry.RecordSize)
                : FileRecord(node).Build(_geometry.RecordSize);
        }

        var extend = new Node { Name = "$Extend", Record = 11, Sequence = 11, IsDirectory = true, Namespace = Win32AndDos, Attributes = HiddenSystem | IndexPresent, Parent = root };
        records[11] = DirectoryRecord(extend, []).Build(_geometry.RecordSize);
        if (_nextLcn > _geometry.ClusterCount)
        {
            throw new InvalidOperationException($"The tree needs {_nextLcn} clusters; the volume has {_geometry.ClusterCount}.");
        }

        records[0] = SystemRecord(0, (mftBytes, mftBytes)).NonResident(Data, "", [mft], mftBytes, _geometry.ClusterSize)
            .NonResident(Bitmap, "", [mftBitmap], mftBitmapBytes, _geometry.ClusterSize).Build(_geometry.RecordSize);
        records[1] = SystemRecord(1, (4096, 4096)).NonResident(Data, "", [mirror], 4L * _geometry.RecordSize, _geometry.ClusterSize).Build(_geometry.RecordSize);
        records[2] = SystemRecord(2, (LogFileBytes, LogFileBytes)).NonResident(Data, "", [logFile], LogFileBytes, _geometry.ClusterSize).Build(_geometry.RecordSize);
        var volumeInformation = new byte[12];
        volumeInformation[8] = 3;
        volumeInformation[9] = 1;
        records[3] = SystemRecord(3, (0, 0)).Resident(VolumeName, "", Encoding.Unicode.GetBytes(_options.Label))
            .Resident(VolumeInformation, "", volumeInformation).Resident(Data, "", []).Build(_geometry.RecordSize);
        records[4] = SystemRecord(4, (4096, attrDef.Length)).NonResident(Data, "", [attrDefRun], attrDef.Length, _geometry.ClusterSize).Build(_geometry.RecordSize);
        records[6] = SystemRecord(6, (bitmapRun.Length * _geometry.ClusterSize, bitmapBytes)).NonResident(Data, "", [bitmapRun], bitmapBytes, _geometry.ClusterSize).Build(_geometry.RecordSize);
        records[7] = SystemRecord(7, (BootBytes, BootBytes)).NonResident(Data, "", [boot], BootBytes, _geometry.ClusterSize).Build(_geometry.RecordSize);
        records[8] = SystemRecord(8, (0, 0)).Resident(Data, "", [])
            .NonResident(Data, "$Bad", [new NtfsExtent(-1, _geometry.ClusterCount)], _geometry.ClusterCount * _geometry.ClusterSize, _geometry.ClusterSize).Build(_geometry.RecordSize);
        records[9] = SystemRecord(9, (0, 0), NtfsRecordBuilder.InUse | NtfsRecordBuilder.ViewIndex).Resident(Data, "$SDS", [])
            .Resident(IndexRoot, "$SDH", IndexRootValue(0, 0x12, [], false), false)
            .Resident(IndexRoot, "$SII", IndexRootValue(0, 0x10, [], false), false).Build(_geometry.RecordSize);
        records[10] = SystemRecord(10, (upCase.Length, upCase.Length)).NonResident(Data, "", [upCaseRun], upCase.Length, _geometry.ClusterSize).Build(_geometry.RecordSize);
        for (var reserved = 12; reserved < FirstUserRecord; reserved++)
        {
            records[reserved] = new NtfsRecordBuilder(reserved, SystemSequence(reserved), NtfsRecordBuilder.InUse)
                .Resident(StandardInformation, "", StandardInformationValue(HiddenSystem)).Resident(Data, "", []).Build(_geometry.RecordSize);
        }

        var mftImage = new byte[mftBytes];
        for (var record = 0; record < mftRecords; record++)
        {
            var bytes = records.TryGetValue(record, out var built) ? built : NtfsRecordBuilder.Unused(record, _geometry.RecordSize);
            bytes.CopyTo(mftImage, record * _geometry.RecordSize);
        }

        WriteAt(mft.Lcn * _geometry.ClusterSize, mftImage);
        WriteAt(mirror.Lcn * _geometry.ClusterSize, mftImage.AsSpan(0, 4 * _geometry.RecordSize));
        WriteAt(mftBitmap.Lcn * _geometry.ClusterSize, BitsSet(records.Keys.Max() + 1, mftBitmapBytes));
        WriteAt(bitmapRun.Lcn * _geometry.ClusterSize, BitsSet(_nextLcn, bitmapBytes));
        WriteAt(upCaseRun.Lcn * _geometry.ClusterSize, upCase);
        WriteAt(attrDefRun.Lcn * _geometry.ClusterSize, attrDef);
        var emptyJournal = new byte[LogFileBytes];
        emptyJournal.AsSpan().Fill(0xFF);
        WriteAt(logFile.Lcn * _geometry.ClusterSize, emptyJournal);
        var bootSector = NtfsBootSectorWriter.Write(_geometry, mft.Lcn, mirror.Lcn, _options.SerialNumber, _options.HiddenSectors);
        WriteAt(0, bootSector);
        WriteAt(_geometry.TotalSectors * _geometry.SectorSize, bootSector);
    }

    /// <summary>Adds <paramref name="directory"/>'s entries (in collation order, records numbered depth first) below <paramref name="parent"/>.</summary>
    private void Scan(Node parent, string directory)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().ToList();
        entries.Sort((left, right) => NtfsSystemTables.CompareNames(left.Name, right.Name));
        for (var i = 1; i < entries.Count; i++)
        {
            if (NtfsSystemTables.CompareNames(entries[i - 1].Name, entries[i].Name) == 0)
            {
                throw new InvalidOperationException($"{directory}: \"{entries[i - 1].Name}\" and \"{entries[i].Name}\" differ only in case, which one NTFS directory cannot hold.");
            }
        }

        foreach (var entry in entries)
        {
            if (entry.LinkTarget is not null)
            {
                throw new NotSupportedException($"{entry.FullName} is a symbolic link; the NTFS writer copies only files and directories.");
            }

            if (entry.Name.Length > 255 || (parent.Record == RootRecord && SystemNames.Any(name => NtfsSystemTables.CompareNames(name, entry.Name) == 0)))
            {
                throw new InvalidOperationException($"{entry.FullName}: the name is too long or is a system file's.");
            }

            var node = new Node
            {
                Name = entry.Name,
                Record = FirstUserRecord + _users.Count,
                Parent = parent,
                IsDirectory = entry is DirectoryInfo,
                HostPath = entry.FullName,
                Length = entry is FileInfo file ? file.Length : 0,
                Namespace = IsWin32Name(entry.Name) ? Win32 : Posix,
                Attributes = entry is DirectoryInfo ? IndexPresent : Archive,
            };
            node.IsResident = !node.IsDirectory && ResidentFits(node);
            parent.Children.Add(node);
            _users.Add(node);
            if (node.IsDirectory)
            {
                Scan(node, entry.FullName);
            }
        }
    }

    private bool ResidentFits(Node node) =>
        NtfsRecordBuilder.HeaderSize + NtfsRecordBuilder.ResidentSize("", 0x48) + NtfsRecordBuilder.ResidentSize("", 0x42 + (2 * node.Name.Length))
        + NtfsRecordBuilder.ResidentSize("", (int)Math.Min(node.Length, _geometry.RecordSize)) + NtfsRecordBuilder.EndMarkerSize <= _geometry.RecordSize;

    /// <summary>Win32 names: no control characters, none of "*/:&lt;&gt;?\|, and no trailing dot or space.</summary>
    private static bool IsWin32Name(string name) =>
        !name.Any(c => c < 0x20 || "\"*/:<>?\\|".Contains(c)) && !name.EndsWith('.') && !name.EndsWith(' ');

    private NtfsRecordBuilder FileRecord(Node node)
    {
        var builder = new NtfsRecordBuilder(node.Record, node.Sequence, NtfsRecordBuilder.InUse) { LinkCount = 1 }
            .Resident(StandardInformation, "", StandardInformationValue(node.Attributes))
            .Resident(FileName, "", node.FileNameValue(), indexed: true);
        if (node.IsResident)
        {
            return builder.Resident(Data, "", File.ReadAllBytes(node.HostPath!));
        }

        var run = Allocate(node.Length);
        using (var source = File.OpenRead(node.HostPath!))
        {
            var buffer = new byte[1 << 20];
            long position = 0;
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                WriteAt((run.Lcn * _geometry.ClusterSize) + position, buffer.AsSpan(0, read));
                position += read;
            }

            if (position != node.Length)
            {
                throw new InvalidOperationException($"{node.HostPath} changed size while it was copied.");
            }
        }

        return builder.NonResident(Data, "", [run], node.Length, _geometry.ClusterSize);
    }

    private NtfsRecordBuilder DirectoryRecord(Node node, List<NtfsIndexKey> keys)
    {
        keys.Sort((left, right) => NtfsSystemTables.CompareNames(KeyName(left.Key), KeyName(right.Key)));
        var builder = new NtfsRecordBuilder(node.Record, node.Sequence, NtfsRecordBuilder.InUse | NtfsRecordBuilder.Directory) { LinkCount = 1 }
            .Resident(StandardInformation, "", StandardInformationValue(node.Attributes & ~IndexPresent))
            .Resident(FileName, "", node.FileNameValue(), indexed: true);

        // What the record keeps for the root node: all but the headers, $FILE_NAME and the $INDEX_ALLOCATION and $BITMAP attributes.
        var budget = _geometry.RecordSize - builder.UsedSize - NtfsRecordBuilder.ResidentSize("$I30", 0x20)
            - NtfsRecordBuilder.Align8(0x40 + 8 + 24) - NtfsRecordBuilder.ResidentSize("$I30", 8);
        var index = NtfsIndexBuilder.Build(keys, _geometry.IndexBlockSize, budget);
        builder.Resident(IndexRoot, "$I30", IndexRootValue(FileName, 1, index.RootEntries, index.RootHasChildren));
        if (index.Blocks.Count > 0)
        {
            var run = Allocate((long)index.Blocks.Count * _geometry.IndexBlockSize);
            for (var vcn = 0; vcn < index.Blocks.Count; vcn++)
            {
                var block = index.Blocks[vcn];
                NtfsUpdateSequence.Protect(block, 0x28, 1);
                WriteAt((run.Lcn + vcn) * _geometry.ClusterSize, block);
            }

            builder.NonResident(IndexAllocation, "$I30", [run], run.Length * _geometry.ClusterSize, _geometry.ClusterSize)
                .Resident(Bitmap, "$I30", BitsSet(index.Blocks.Count, Align((index.Blocks.Count + 7) / 8, 8)));
        }

        return builder;
    }

    private static string KeyName(byte[] fileName) => Encoding.Unicode.GetString(fileName, 0x42, 2 * fileName[0x40]);

    /// <summary>$INDEX_ROOT: indexed attribute type, collation rule, index block size, clusters per index block, then the node header and entries.</summary>
    private byte[] IndexRootValue(uint indexedType, uint collation, byte[] entries, bool hasChildren)
    {
        if (entries.Length == 0)
        {
            entries = new byte[0x10];
            BinaryPrimitives.WriteUInt16LittleEndian(entries.AsSpan(8), 0x10);
            BinaryPrimitives.WriteUInt16LittleEndian(entries.AsSpan(0x0C), 2);
        }

        var value = new byte[0x20 + entries.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(value, indexedType);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(4), collation);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(8), (uint)_geometry.IndexBlockSize);
        value[0x0C] = (byte)(_geometry.IndexBlockSize / _geometry.ClusterSize);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(0x10), NtfsIndexBuilder.NodeHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(0x14), (uint)(NtfsIndexBuilder.NodeHeaderSize + entries.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(0x18), (uint)(NtfsIndexBuilder.NodeHeaderSize + entries.Length));
        value[0x1C] = hasChildren ? (byte)1 : (byte)0;
        entries.CopyTo(value.AsSpan(0x20));
        return value;
    }

    private NtfsRecordBuilder SystemRecord(long record, (long Allocated, long Data) sizes, ushort flags = NtfsRecordBuilder.InUse) =>
        new NtfsRecordBuilder(record, SystemSequence(record), flags) { LinkCount = 1 }
            .Resident(StandardInformation, "", StandardInformationValue(HiddenSystem))
            .Resident(FileName, "", FileNameValue(RootReference, SystemNames[record], Win32AndDos, sizes, SystemAttributes(record)), indexed: true);

    private static uint SystemAttributes(long record) => record switch
    {
        RootRecord or 11 => HiddenSystem | IndexPresent,
        9 => HiddenSystem | ViewIndexPresent,
        _ => HiddenSystem,
    };

    /// <summary>The sizes the system files' $FILE_NAMEs carry, as their records do.</summary>
    private (long Allocated, long Data) SystemFileSizes(long record, long mftBytes, long bitmapBytes, int upCaseBytes, int attrDefBytes) => record switch
    {
        0 => (mftBytes, mftBytes),
        1 => (4096, 4096),
        2 => (LogFileBytes, LogFileBytes),
        4 => (4096, attrDefBytes),
        6 => (_geometry.Clusters(bitmapBytes) * _geometry.ClusterSize, bitmapBytes),
        7 => (BootBytes, BootBytes),
        10 => (upCaseBytes, upCaseBytes),
        _ => (0, 0),
    };

    /// <summary>$STANDARD_INFORMATION (NTFS 3.x, 0x48 bytes): four times, file attributes at 0x20, security id 0x34 left 0.</summary>
    private static byte[] StandardInformationValue(uint attributes)
    {
        var value = new byte[0x48];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8 * i), FixedTime);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(0x20), attributes);
        return value;
    }

    /// <summary>$FILE_NAME: parent reference, four times, allocated and data size (0x28, 0x30), attributes (0x38), name length and namespace (0x40, 0x41), name.</summary>
    private static byte[] FileNameValue(ulong parent, string name, byte nameSpace, (long Allocated, long Data) sizes, uint attributes)
    {
        var value = new byte[0x42 + (2 * name.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(value, parent);
        for (var i = 1; i <= 4; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8 * i), FixedTime);
        }

        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(0x28), sizes.Allocated);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(0x30), sizes.Data);
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(0x38), attributes);
        value[0x40] = (byte)name.Length;
        value[0x41] = nameSpace;
        Encoding.Unicode.GetBytes(name, value.AsSpan(0x42));
        return value;
    }

    private static byte[] BitsSet(long count, long bytes)
    {
        var bitmap = new byte[bytes];
        for (long bit = 0; bit < count; bit++)
        {
            bitmap[bit / 8] |= (byte)(1 << (int)(bit % 8));
        }

        return bitmap;
    }

    private static long Align(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    private NtfsExtent Allocate(long bytes)
    {
        var run = new NtfsExtent(_nextLcn, Math.Max(1, _geometry.Clusters(bytes)));
        _nextLcn += run.Length;
        return run;
    }

    private void WriteAt(long volumeOffset, ReadOnlySpan<byte> bytes)
    {
        if (volumeOffset + bytes.Length > _geometry.VolumeSize)
        {
            throw new InvalidOperationException($"A write at {volumeOffset} runs past the {_geometry.VolumeSize}-byte volume.");
        }

        RandomAccess.Write(_target, bytes, _offset + volumeOffset);
    }

    /// <summary>A file or directory of the tree, with its MFT record.</summary>
    private sealed class Node
    {
        public required string Name { get; init; }

        public required long Record { get; init; }

        public ushort Sequence { get; init; } = 1;

        public Node? Parent { get; init; }

        public bool IsDirectory { get; init; }

        public string? HostPath { get; init; }

        public long Length { get; init; }

        public byte Namespace { get; init; }

        public uint Attributes { get; init; }

        public bool IsResident { get; set; }

        public List<Node> Children { get; } = [];

        public ulong Reference => NtfsImageWriter.Reference(Record, Sequence);

        public byte[] FileNameValue()
        {
            var parent = Parent is null ? Reference : Parent.Reference;
            var allocated = IsDirectory ? 0 : IsResident ? NtfsRecordBuilder.Align8((int)Length) : Align(Length, 4096);
            return NtfsImageWriter.FileNameValue(parent, Name, Namespace, (allocated, IsDirectory ? 0 : Length), Attributes);
        }
    }
}
