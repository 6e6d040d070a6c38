using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>How <see cref="HiveWriter"/> lays out subkey lists.</summary>
public enum HiveSubkeyListKind
{
    /// <summary>"lh": offset and name hash (what Windows XP and later write).</summary>
    HashLeaf,

    /// <summary>"lf": offset and the first four characters of the name (Windows NT 4 / 2000).</summary>
    FastLeaf,

    /// <summary>"li": offsets only.</summary>
    IndexLeaf,
}

/// <summary>
/// Writes spec-valid regf hives for tests (Windows registry file format): a 4096-byte base block with its
/// XOR checksum, then hive bins ("hbin", 4096 bytes or a multiple for large cells) filled with allocated
/// cells (negative size, 8-byte aligned) and closed by a free cell. Keys become "nk" cells with Latin-1
/// (compressed) names when every character fits and UTF-16 ones otherwise; subkeys are sorted by upper-cased
/// name into "lh", "lf" or "li" leaves, several leaves under an "ri" index root when there are more than
/// <see cref="MaxLeafEntries"/>; values are "vk" cells with data inline (at most 4 bytes), in one cell, or
/// from format 1.4 on as "db" big data with 16344-byte segments. All keys share one security ("sk") cell
/// holding a minimal self-relative descriptor (hivex needs one to add keys). The low-level calls (<see cref="AddCell"/>, <see cref="OverwriteCell"/>)
/// let hostile-hive tests build structures no valid writer would.
/// </summary>
internal sealed class HiveWriter
{
    public const uint NoCell = 0xFFFFFFFF;
    private const int BinSize = 4096;
    private const int BinHeaderSize = 32;
    private const int SegmentBytes = 16344;
    private const long FixedFileTime = 0x01D5_0000_0000_0000; // a fixed date in 2019, so hives are reproducible

    private readonly List<byte> _bins = [];
    private int _binStart = -1;
    private int _binEnd;
    private int _used;
    private uint _security = NoCell;
    private uint _keys;

    public uint MinorVersion { get; init; } = 5;

    public HiveSubkeyListKind ListKind { get; init; } = HiveSubkeyListKind.HashLeaf;

    /// <summary>Most entries in one leaf list; more subkeys go into several leaves under an "ri".</summary>
    public int MaxLeafEntries { get; init; } = 500;

    /// <summary>Writes every name in UTF-16 even when it would fit in Latin-1.</summary>
    public bool Utf16Names { get; init; }

    /// <summary>A whole hive with <paramref name="root"/> as its root key.</summary>
    public static byte[] Write(HiveKey root, HiveWriter? writer = null)
    {
        writer ??= new HiveWriter();
        var rootOffset = writer.WriteKey(root, NoCell, isRoot: true);
        return writer.ToArray(rootOffset);
    }

    /// <summary>Appends an allocated cell holding <paramref name="payload"/> and returns its offset (relative to the first bin).</summary>
    public uint AddCell(ReadOnlySpan<byte> payload)
    {
        var size = Align(payload.Length + 4, 8);
        if (_binStart < 0 || _binEnd - _used < size)
        {
            CloseBin();
            OpenBin(Align(size + BinHeaderSize, BinSize));
        }

        var offset = _used;
        var cell = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(cell, -size);
        payload.CopyTo(cell.AsSpan(4));
        Put(offset, cell);
        _used += size;
        return (uint)offset;
    }

    /// <summary>Replaces the payload of an existing cell (it must fit): for patching back references and for damage.</summary>
    public void OverwriteCell(uint offset, ReadOnlySpan<byte> payload)
    {
        var size = -BinaryPrimitives.ReadInt32LittleEndian(Get((int)offset, 4));
        if (payload.Length > size - 4)
        {
            throw new ArgumentException($"A {payload.Length}-byte payload does not fit the {size}-byte cell at {offset}.");
        }

        Put((int)offset + 4, payload.ToArray());
    }

    /// <summary>Writes raw bytes at a hive bins offset (for damage a cell API cannot express).</summary>
    public void Patch(uint offset, ReadOnlySpan<byte> bytes) => Put((int)offset, bytes.ToArray());

    /// <summary>The hive file: base block then the bins written so far.</summary>
    public byte[] ToArray(uint rootOffset, uint primarySequence = 1, uint? secondarySequence = null)
    {
        if (_security != NoCell)
        {
            Put((int)_security + 4 + 12, BitConverter.GetBytes(_keys)); // reference count: every key
        }

        CloseBin();
        var file = new byte[4096 + _bins.Count];
        var block = file.AsSpan(0, 4096);
        "regf"u8.CopyTo(block);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], primarySequence);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], secondarySequence ?? primarySequence);
        BinaryPrimitives.WriteInt64LittleEndian(block[12..], FixedFileTime);
        BinaryPrimitives.WriteUInt32LittleEndian(block[20..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(block[28..], 0); // primary file
        BinaryPrimitives.WriteUInt32LittleEndian(block[32..], 1); // direct memory load
        BinaryPrimitives.WriteUInt32LittleEndian(block[36..], rootOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(block[40..], (uint)_bins.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(block[44..], 1); // clustering factor
        Encoding.Unicode.GetBytes(@"\SystemRoot\System32\Config\TEST").CopyTo(block[48..112]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[508..], Checksum(block));
        _bins.CopyTo(file, 4096);
        return file;
    }

    /// <summary>The base block checksum: XOR of the first 127 dwords, with 0 stored as 1 and 0xFFFFFFFF as 0xFFFFFFFE.</summary>
    public static uint Checksum(ReadOnlySpan<byte> block)
    {
        uint sum = 0;
        for (var i = 0; i < 508; i += 4)
        {
            sum ^= BinaryPrimitives.ReadUInt32LittleEndian(block[i..]);
        }

        return sum == 0 ? 1 : sum == uint.MaxValue ? uint.MaxValue - 1 : sum;
    }

    /// <summary>Rewrites the checksum of a hive file after its base block was patched.</summary>
    public static void FixChecksum(byte[] hive) => BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(508), Checksum(hive));

    /// <summary>The "lh" hash: over the upper-cased name, hash = hash * 37 + character.</summary>
    public static uint NameHash(string name)
    {
        uint hash = 0;
        foreach (var c in name.ToUpperInvariant())
        {
            hash = unchecked((hash * 37) + c);
        }

        return hash;
    }

    /// <summary>Writes a key and everything below it; returns its "nk" cell offset.</summary>
    public uint WriteKey(HiveKey key, uint parentOffset, bool isRoot = false)
    {
        var (nameBytes, compressed) = EncodeName(key.Name);
        var nodeOffset = AddCell(new byte[76 + nameBytes.Length]);
        if (_security == NoCell)
        {
            _security = AddSecurity();
        }

        _keys++;

        var children = key.Subkeys.OrderBy(k => k.Name.ToUpperInvariant(), StringComparer.Ordinal).ToList();
        var childOffsets = children.Select(child => WriteKey(child, nodeOffset)).ToList();
        var listOffset = children.Count == 0 ? NoCell : WriteSubkeyList(children, childOffsets);

        var valueListOffset = NoCell;
        if (key.Values.Count > 0)
        {
            var list = new byte[key.Values.Count * 4];
            for (var i = 0; i < key.Values.Count; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(list.AsSpan(i * 4), WriteValue(key.Values[i]));
            }

            valueListOffset = AddCell(list);
        }

        var classOffset = NoCell;
        var classBytes = key.ClassName is null ? [] : Encoding.Unicode.GetBytes(key.ClassName);
        if (key.ClassName is not null)
        {
            classOffset = AddCell(classBytes);
        }

        var nk = new byte[76 + nameBytes.Length];
        "nk"u8.CopyTo(nk);
        var flags = (ushort)((compressed ? 0x0020 : 0) | (isRoot ? 0x000C : 0)); // KEY_COMP_NAME, KEY_HIVE_ENTRY|KEY_NO_DELETE
        BinaryPrimitives.WriteUInt16LittleEndian(nk.AsSpan(2), flags);
        BinaryPrimitives.WriteInt64LittleEndian(nk.AsSpan(4), FixedFileTime);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(16), isRoot ? 0 : parentOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(20), (uint)children.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(28), listOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(32), NoCell); // volatile subkeys live only in memory
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(36), (uint)key.Values.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(40), valueListOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(44), _security);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(48), classOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(52), (uint)children.Select(c => c.Name.Length * 2).DefaultIfEmpty().Max());
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(60), (uint)key.Values.Select(v => v.Name.Length * 2).DefaultIfEmpty().Max());
        BinaryPrimitives.WriteUInt32LittleEndian(nk.AsSpan(64), (uint)key.Values.Select(v => v.Data.Length).DefaultIfEmpty().Max());
        BinaryPrimitives.WriteUInt16LittleEndian(nk.AsSpan(72), (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(nk.AsSpan(74), (ushort)classBytes.Length);
        nameBytes.CopyTo(nk.AsSpan(76));
        OverwriteCell(nodeOffset, nk);
        return nodeOffset;
    }

    /// <summary>A subkey list cell of <paramref name="signature"/> ("lh", "lf", "li", "ri") over raw offsets and second words.</summary>
    public uint AddList(string signature, IReadOnlyList<uint> offsets, IReadOnlyList<uint>? seconds = null)
    {
        var entrySize = seconds is null ? 4 : 8;
        var cell = new byte[4 + (offsets.Count * entrySize)];
        Encoding.ASCII.GetBytes(signature).CopyTo(cell, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.AsSpan(2), (ushort)offsets.Count);
        for (var i = 0; i < offsets.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(cell.AsSpan(4 + (i * entrySize)), offsets[i]);
            if (seconds is not null)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(cell.AsSpan(8 + (i * entrySize)), seconds[i]);
            }
        }

        return AddCell(cell);
    }

    /// <summary>
    /// An "sk" cell: signature, reserved, previous and next "sk" in the ring (itself: it is the only one),
    /// reference count, descriptor size, then a self-relative security descriptor with no owner, group or ACLs.
    /// </summary>
    private uint AddSecurity()
    {
        var sk = new byte[20 + 20];
        "sk"u8.CopyTo(sk);
        BinaryPrimitives.WriteUInt32LittleEndian(sk.AsSpan(16), 20);
        sk[20] = 1; // descriptor revision
        BinaryPrimitives.WriteUInt16LittleEndian(sk.AsSpan(22), 0x8000); // SE_SELF_RELATIVE
        var offset = AddCell(sk);
        BinaryPrimitives.WriteUInt32LittleEndian(sk.AsSpan(4), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(sk.AsSpan(8), offset);
        OverwriteCell(offset, sk);
        return offset;
    }

    private uint WriteSubkeyList(List<HiveKey> children, List<uint> offsets)
    {
        var leaves = new List<uint>();
        for (var start = 0; start < children.Count; start += MaxLeafEntries)
        {
            var count = Math.Min(MaxLeafEntries, children.Count - start);
            var keys = children.GetRange(start, count);
            var leafOffsets = offsets.GetRange(start, count);
            leaves.Add(ListKind switch
            {
                HiveSubkeyListKind.HashLeaf => AddList("lh", leafOffsets, [.. keys.Select(k => NameHash(k.Name))]),
                HiveSubkeyListKind.FastLeaf => AddList("lf", leafOffsets, [.. keys.Select(k => NameHint(k.Name))]),
                _ => AddList("li", leafOffsets),
            });
        }

        return leaves.Count == 1 ? leaves[0] : AddList("ri", leaves);
    }

    private uint WriteValue(HiveValue value)
    {
        var (nameBytes, compressed) = EncodeName(value.Name);
        var vk = new byte[20 + nameBytes.Length];
        "vk"u8.CopyTo(vk);
        BinaryPrimitives.WriteUInt16LittleEndian(vk.AsSpan(2), (ushort)nameBytes.Length);
        if (value.Data.Length <= 4)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(vk.AsSpan(4), (uint)value.Data.Length | 0x80000000);
            value.Data.CopyTo(vk.AsSpan(8));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(vk.AsSpan(4), (uint)value.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(vk.AsSpan(8), WriteData(value.Data));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(vk.AsSpan(12), value.Type);
        BinaryPrimitives.WriteUInt16LittleEndian(vk.AsSpan(16), (ushort)(compressed ? 0x0001 : 0));
        nameBytes.CopyTo(vk.AsSpan(20));
        return AddCell(vk);
    }

    private uint WriteData(byte[] data)
    {
        if (MinorVersion < 4 || data.Length <= SegmentBytes)
        {
            return AddCell(data);
        }

        var segments = new List<uint>();
        for (var start = 0; start < data.Length; start += SegmentBytes)
        {
            segments.Add(AddCell(data.AsSpan(start, Math.Min(SegmentBytes, data.Length - start))));
        }

        // The segment list is a bare array of segment cell offsets, without a signature.
        var bare = new byte[segments.Count * 4];
        for (var i = 0; i < segments.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bare.AsSpan(i * 4), segments[i]);
        }

        var list = AddCell(bare);
        var db = new byte[8];
        "db"u8.CopyTo(db);
        BinaryPrimitives.WriteUInt16LittleEndian(db.AsSpan(2), (ushort)segments.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(db.AsSpan(4), list);
        return AddCell(db);
    }

    private (byte[] Bytes, bool Compressed) EncodeName(string name) =>
        !Utf16Names && name.All(c => c <= 0xFF) ? (Encoding.Latin1.GetBytes(name), true) : (Encoding.Unicode.GetBytes(name), false);

    /// <summary>The "lf" hint: the first four characters of the name, one byte each, zero-padded.</summary>
    private static uint NameHint(string name)
    {
        var hint = new byte[4];
        for (var i = 0; i < Math.Min(4, name.Length); i++)
        {
            hint[i] = (byte)name[i];
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(hint);
    }

    private void OpenBin(int size)
    {
        _binStart = _bins.Count;
        _binEnd = _binStart + size;
        _bins.AddRange(new byte[size]);
        var header = new byte[BinHeaderSize];
        "hbin"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)_binStart);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)size);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(20), FixedFileTime);
        Put(_binStart, header);
        _used = _binStart + BinHeaderSize;
    }

    /// <summary>The rest of the current bin becomes one free cell (positive size).</summary>
    private void CloseBin()
    {
        if (_binStart >= 0 && _binEnd > _used)
        {
            var free = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(free, _binEnd - _used);
            Put(_used, free);
            _used = _binEnd;
        }
    }

    private void Put(int offset, byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            _bins[offset + i] = bytes[i];
        }
    }

    private byte[] Get(int offset, int count) => [.. _bins.GetRange(offset, count)];

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
