using System.Buffers.Binary;
using System.Numerics;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// The metadata region ([MS-VHDX] 2.6): a 64 KiB table ("metadata") of items, of which this reader uses
/// File Parameters (2.6.2.1: block size, LeaveBlocksAllocated, HasParent), Virtual Disk Size (2.6.2.2),
/// Logical and Physical Sector Size (2.6.2.4, 2.6.2.5) and Page 83 Data (2.6.2.3). An unknown item marked
/// required, or a parent (a differencing disk), is refused.
/// </summary>
internal sealed record VhdxMetadata(int BlockSize, bool LeaveBlocksAllocated, long VirtualSize, int LogicalSectorSize, int PhysicalSectorSize, Guid Page83Id)
{
    public const int MinBlockSize = 1024 * 1024;
    public const int MaxBlockSize = 256 * 1024 * 1024;

    private static readonly Guid FileParametersId = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    private static readonly Guid VirtualDiskSizeId = new("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    private static readonly Guid Page83DataId = new("BECA12AB-B2E6-4523-93EF-C309E000C746");
    private static readonly Guid LogicalSectorSizeId = new("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
    private static readonly Guid PhysicalSectorSizeId = new("CDA348C7-445D-4471-9CC9-E9885251C556");
    private static readonly Guid ParentLocatorId = new("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

    private const ulong Signature = 0x617461646174656D; // "metadata"
    private const int TableSize = 64 * 1024;
    private const int MaxEntries = 2047;
    private const int EntrySize = 32;
    private const uint IsVirtualDiskFlag = 2;
    private const uint IsRequiredFlag = 4;

    /// <summary>Bytes of the metadata region that <see cref="WriteTo"/> fills: the table, then the items.</summary>
    public const int EncodedLength = TableSize + 40;

    /// <summary>
    /// Writes the metadata table and its five items (packed right after the 64 KiB table, where items may
    /// start) into the first <see cref="EncodedLength"/> bytes of <paramref name="destination"/>.
    /// </summary>
    public void WriteTo(Span<byte> destination)
    {
        var data = destination[..EncodedLength];
        data.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(data, Signature);
        BinaryPrimitives.WriteUInt16LittleEndian(data[10..], 5);
        var index = 0;
        var offset = TableSize;

        Span<byte> item = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(item, (uint)BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(item[4..], LeaveBlocksAllocated ? 1u : 0u); // HasParent (bit 1) clear
        Add(data, FileParametersId, item[..8], IsRequiredFlag);
        BinaryPrimitives.WriteUInt64LittleEndian(item, (ulong)VirtualSize);
        Add(data, VirtualDiskSizeId, item[..8], IsVirtualDiskFlag | IsRequiredFlag);
        BinaryPrimitives.WriteUInt32LittleEndian(item, (uint)LogicalSectorSize);
        Add(data, LogicalSectorSizeId, item[..4], IsVirtualDiskFlag | IsRequiredFlag);
        BinaryPrimitives.WriteUInt32LittleEndian(item, (uint)PhysicalSectorSize);
        Add(data, PhysicalSectorSizeId, item[..4], IsVirtualDiskFlag | IsRequiredFlag);
        Page83Id.TryWriteBytes(item);
        Add(data, Page83DataId, item, IsVirtualDiskFlag | IsRequiredFlag);

        void Add(Span<byte> table, Guid id, ReadOnlySpan<byte> value, uint flags)
        {
            var entry = table.Slice(32 + (index++ * EntrySize), EntrySize);
            id.TryWriteBytes(entry);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[16..], (uint)offset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[20..], (uint)value.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], flags);
            value.CopyTo(table[offset..]);
            offset += value.Length;
        }
    }

    public static async ValueTask<VhdxMetadata> ReadAsync(IBlockSource source, VhdxRegion region, CancellationToken cancellationToken)
    {
        var table = await VhdxStructureReader.ReadAsync(source, region.Offset, TableSize, "metadata table", cancellationToken).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt64LittleEndian(table) != Signature)
        {
            throw new InvalidDiskImageException("The VHDX metadata table lacks its \"metadata\" signature.");
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(10));
        if (count > MaxEntries)
        {
            throw new InvalidDiskImageException($"The VHDX metadata table declares {count} entries; at most {MaxEntries} fit.");
        }

        var items = new Dictionary<Guid, (uint Offset, uint Length)>();
        for (var i = 0; i < count; i++)
        {
            var entry = table.AsSpan(32 + (i * EntrySize), EntrySize);
            var id = new Guid(entry[..16]);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(entry[16..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(entry[20..]);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]);
            if (length != 0 && (offset < TableSize || offset > region.Length || length > region.Length - offset))
            {
                throw new InvalidDiskImageException($"The VHDX metadata item {id} ({length} bytes at {offset}) lies outside the {region.Length}-byte metadata region.");
            }

            if (!items.TryAdd(id, (offset, length)))
            {
                throw new InvalidDiskImageException($"The VHDX metadata table lists item {id} twice.");
            }

            var known = id == FileParametersId || id == VirtualDiskSizeId || id == Page83DataId || id == LogicalSectorSizeId
                || id == PhysicalSectorSizeId || id == ParentLocatorId;
            if (!known && (flags & IsRequiredFlag) != 0)
            {
                throw new UnsupportedDiskImageException($"The VHDX file requires metadata item {id}, which this reader does not know.");
            }
        }

        async ValueTask<byte[]> ItemAsync(Guid id, int size, string name)
        {
            if (!items.TryGetValue(id, out var item))
            {
                throw new InvalidDiskImageException($"The VHDX metadata lacks the required {name} item.");
            }

            if (item.Length < size)
            {
                throw new InvalidDiskImageException($"The VHDX {name} metadata item is {item.Length} bytes; it needs {size}.");
            }

            return await VhdxStructureReader.ReadAsync(source, region.Offset + item.Offset, size, name + " metadata item", cancellationToken).ConfigureAwait(false);
        }

        var parameters = await ItemAsync(FileParametersId, 8, "File Parameters").ConfigureAwait(false);
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(parameters);
        var flagsValue = BinaryPrimitives.ReadUInt32LittleEndian(parameters.AsSpan(4));
        if ((flagsValue & 2) != 0)
        {
            throw new UnsupportedDiskImageException("The VHDX file is a differencing disk (HasParent is set); only fixed and dynamic VHDX disks are supported.");
        }

        if (!BitOperations.IsPow2(blockSize) || blockSize < MinBlockSize || blockSize > MaxBlockSize)
        {
            throw new InvalidDiskImageException($"The VHDX block size {blockSize} is not a power of two between 1 MiB and 256 MiB.");
        }

        var logical = BinaryPrimitives.ReadUInt32LittleEndian(await ItemAsync(LogicalSectorSizeId, 4, "Logical Sector Size").ConfigureAwait(false));
        if (logical is not (512 or 4096))
        {
            throw new InvalidDiskImageException($"The VHDX logical sector size {logical} is neither 512 nor 4096.");
        }

        var physical = BinaryPrimitives.ReadUInt32LittleEndian(await ItemAsync(PhysicalSectorSizeId, 4, "Physical Sector Size").ConfigureAwait(false));
        if (physical is not (512 or 4096))
        {
            throw new InvalidDiskImageException($"The VHDX physical sector size {physical} is neither 512 nor 4096.");
        }

        var size = BinaryPrimitives.ReadUInt64LittleEndian(await ItemAsync(VirtualDiskSizeId, 8, "Virtual Disk Size").ConfigureAwait(false));
        DiskImageLimits.CheckVirtualSize((long)Math.Min(size, long.MaxValue), "VHDX");
        var page83 = new Guid(await ItemAsync(Page83DataId, 16, "Page 83 Data").ConfigureAwait(false));

        return new VhdxMetadata((int)blockSize, (flagsValue & 1) != 0, (long)size, (int)logical, (int)physical, page83);
    }
}
