using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// A VMDK ("Virtual Disk Format 5.0"): a hosted sparse extent (monolithicSparse, or streamOptimized in qemu's
/// layout with the tables up front or VMware's with the directory in a footer at the end), or a descriptor file
/// naming one flat extent (monolithicFlat). Split, multi-extent, delta and SEsparse/vmfsSparse disks are refused.
/// <see cref="CreateType"/> tells callers the subformat, e.g. to apply spec §13 I4 (ImportImage takes
/// streamOptimized only: see <see cref="UnsupportedFormatMessage"/>).
/// </summary>
public sealed class VmdkDisk : IVirtualDisk
{
    public const string StreamOptimized = "streamOptimized";
    public const string MonolithicSparse = "monolithicSparse";
    public const string MonolithicFlat = "monolithicFlat";

    /// <summary>Spec §13 I4: what ImportImage reports for a VMDK that is not streamOptimized.</summary>
    public const string UnsupportedFormatMessage = "Unsupported VMDK File Format";

    private readonly IVirtualDisk _contents;
    private readonly IBlockSource? _descriptorSource;

    private VmdkDisk(IVirtualDisk contents, string createType, VmdkDescriptor? descriptor, uint? sparseVersion, IBlockSource? descriptorSource)
    {
        _contents = contents;
        CreateType = createType;
        Descriptor = descriptor;
        SparseVersion = sparseVersion;
        _descriptorSource = descriptorSource;
    }

    /// <summary>The subformat: the descriptor's createType (streamOptimized, monolithicSparse, monolithicFlat, vmfs).</summary>
    public string CreateType { get; }

    public bool IsStreamOptimized => string.Equals(CreateType, StreamOptimized, StringComparison.OrdinalIgnoreCase);

    /// <summary>The descriptor (embedded or the descriptor file itself); null for a sparse extent without one.</summary>
    public VmdkDescriptor? Descriptor { get; }

    /// <summary>The sparse extent header's version (1 to 3); null for a flat disk.</summary>
    public uint? SparseVersion { get; }

    public long Capacity => _contents.Capacity;

    /// <summary>
    /// Opens a VMDK. <paramref name="resolveExtent"/> opens an extent file named by a descriptor file (a bare
    /// file name, checked first to hold no path separator or ".."); without it such a VMDK cannot be opened.
    /// The disk owns every extent source it resolves, and <paramref name="source"/> when <paramref name="ownsSource"/>
    /// (then it is disposed too when opening fails).
    /// </summary>
    public static Task<VmdkDisk> OpenAsync(IBlockSource source, Func<string, IBlockSource>? resolveExtent = null, bool ownsSource = true, CancellationToken cancellationToken = default) =>
        OpenAsync(source, resolveExtent, ownsSource, DiskImageLimits.MaxInMemoryTableBytes, cancellationToken);

    /// <param name="tableMemoryLimit">Grain tables beyond this many bytes are read on demand (tests lower it to exercise that path).</param>
    internal static async Task<VmdkDisk> OpenAsync(IBlockSource source, Func<string, IBlockSource>? resolveExtent, bool ownsSource, long tableMemoryLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var first = new byte[(int)Math.Min(source.Length, SparseExtentHeader.Size)];
            var read = await source.ReadAtAsync(0, first, cancellationToken).ConfigureAwait(false);
            if (read != first.Length)
            {
                throw new InvalidDiskImageException($"The VMDK file could not be read: {read} of {first.Length} bytes at its start.");
            }

            if (SparseExtentHeader.HasMagic(first))
            {
                return await OpenSparseAsync(source, first, ownsSource, tableMemoryLimit, cancellationToken).ConfigureAwait(false);
            }

            if (first.AsSpan().StartsWith("COWD"u8))
            {
                throw new UnsupportedDiskImageException("The VMDK is a vmfsSparse (COWD) extent; vmie reads streamOptimized, monolithicSparse and monolithicFlat VMDKs only.");
            }

            if (VmdkDescriptor.LooksLikeDescriptor(first))
            {
                return await OpenDescriptorFileAsync(source, resolveExtent, ownsSource, cancellationToken).ConfigureAwait(false);
            }

            throw new InvalidDiskImageException("The file is not a VMDK: it starts neither with the sparse extent magic 'KDMV' nor with a '# Disk DescriptorFile' text descriptor.");
        }
        catch when (ownsSource)
        {
            // The caller handed the source over; a disk that fails to open must not leak it.
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync(CancellationToken cancellationToken = default) =>
        _contents.GetAllocatedExtentsAsync(cancellationToken);

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _contents.ReadAsync(offset, buffer, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _contents.DisposeAsync().ConfigureAwait(false);
        if (_descriptorSource is not null)
        {
            await _descriptorSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<VmdkDisk> OpenSparseAsync(IBlockSource source, byte[] first, bool ownsSource, long tableMemoryLimit, CancellationToken cancellationToken)
    {
        if (source.Length < SparseExtentHeader.Size)
        {
            throw new InvalidDiskImageException($"The VMDK file is truncated: {source.Length} bytes cannot hold its sparse extent header.");
        }

        var header = SparseExtentHeader.Parse(first, "header");
        VmdkDescriptor? descriptor = null;
        if (header.DescriptorOffset != 0 && header.DescriptorSectors != 0)
        {
            descriptor = await ReadEmbeddedDescriptorAsync(source, header, cancellationToken).ConfigureAwait(false);
        }

        var createType = descriptor?.CreateType ?? (header.HasCompressedGrains ? StreamOptimized : MonolithicSparse);
        CheckSparseCreateType(createType, descriptor);

        if (header.DirectoryIsAtEnd)
        {
            header = await ReadFooterAsync(source, header, cancellationToken).ConfigureAwait(false);
        }

        var contents = await SparseExtentDisk.OpenAsync(source, header, ownsSource, tableMemoryLimit, cancellationToken).ConfigureAwait(false);
        return new VmdkDisk(contents, createType, descriptor, header.Version, descriptorSource: null);
    }

    private static async Task<VmdkDescriptor> ReadEmbeddedDescriptorAsync(IBlockSource source, SparseExtentHeader header, CancellationToken cancellationToken)
    {
        var length = (long)header.DescriptorSectors * SparseExtentHeader.SectorSize;
        if (header.DescriptorOffset > (ulong)(source.Length / SparseExtentHeader.SectorSize)
            || ((long)header.DescriptorOffset * SparseExtentHeader.SectorSize) + length > source.Length)
        {
            throw new InvalidDiskImageException($"The VMDK embedded descriptor at sector {header.DescriptorOffset} ({length} bytes) lies outside the file ({source.Length} bytes).");
        }

        var bytes = new byte[length];
        await GrainDirectory.ReadExactlyAsync(source, (long)header.DescriptorOffset * SparseExtentHeader.SectorSize, bytes, "embedded descriptor", cancellationToken).ConfigureAwait(false);
        return VmdkDescriptor.Parse(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>
    /// VMware's stream layout ("Virtual Disk Format 5.0", "The Footer"): ... footer marker, footer (a header copy
    /// whose gdOffset is real), end-of-stream marker. The footer sits at length − 1024, its marker just before.
    /// </summary>
    private static async Task<SparseExtentHeader> ReadFooterAsync(IBlockSource source, SparseExtentHeader header, CancellationToken cancellationToken)
    {
        const int sector = SparseExtentHeader.SectorSize;
        const uint grainFormatFlags = SparseExtentHeader.FlagCompressedGrains | SparseExtentHeader.FlagMarkers | SparseExtentHeader.FlagZeroedGrainEntries;
        if (source.Length < 4L * sector || source.Length % sector != 0)
        {
            throw new InvalidDiskImageException($"The VMDK stream's grain directory is at its end, but the file ({source.Length} bytes) has no room for a footer there.");
        }

        var tail = new byte[3 * sector];
        await GrainDirectory.ReadExactlyAsync(source, source.Length - tail.Length, tail, "footer", cancellationToken).ConfigureAwait(false);
        var marker = StreamMarker.Parse(tail);
        if (marker.IsGrain || marker.Type != StreamMarker.Footer)
        {
            throw new InvalidDiskImageException($"The VMDK stream's grain directory is at its end, but no footer marker precedes the footer at byte {source.Length - (2 * sector)}.");
        }

        var footer = SparseExtentHeader.Parse(tail.AsSpan(sector, sector), "footer");
        if (footer.DirectoryIsAtEnd)
        {
            throw new InvalidDiskImageException("The VMDK footer does not say where the grain directory is.");
        }

        if (footer.CapacitySectors != header.CapacitySectors || footer.GrainSectors != header.GrainSectors
            || footer.GrainTableEntries != header.GrainTableEntries
            || (footer.Flags & grainFormatFlags) != (header.Flags & grainFormatFlags))
        {
            throw new InvalidDiskImageException("The VMDK footer disagrees with the header on capacity, grain size, grain table size or flags.");
        }

        return footer;
    }

    internal static void CheckSparseCreateType(string createType, VmdkDescriptor? descriptor)
    {
        if (!string.Equals(createType, StreamOptimized, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(createType, MonolithicSparse, StringComparison.OrdinalIgnoreCase))
        {
            throw RefuseCreateType(createType);
        }

        if (descriptor is null)
        {
            return;
        }

        if (descriptor.HasParent)
        {
            throw new UnsupportedDiskImageException("The VMDK is a delta disk with a parent (parentCID is set); only standalone disks are supported.");
        }

        if (descriptor.Extents.Count > 1)
        {
            throw new UnsupportedDiskImageException($"The VMDK descriptor names {descriptor.Extents.Count} extents; multi-extent VMDKs are not supported.");
        }

        if (descriptor.Extents.Count == 1 && descriptor.Extents[0].Type != "SPARSE")
        {
            throw new InvalidDiskImageException($"The VMDK sparse extent's own descriptor describes a {descriptor.Extents[0].Type} extent.");
        }
    }

    private static async Task<VmdkDisk> OpenDescriptorFileAsync(IBlockSource source, Func<string, IBlockSource>? resolveExtent, bool ownsSource, CancellationToken cancellationToken)
    {
        if (source.Length > VmdkDescriptor.MaxLength)
        {
            throw new InvalidDiskImageException($"The VMDK descriptor file is {source.Length} bytes long; at most {VmdkDescriptor.MaxLength} are accepted.");
        }

        var bytes = new byte[source.Length];
        await GrainDirectory.ReadExactlyAsync(source, 0, bytes, "descriptor", cancellationToken).ConfigureAwait(false);
        var descriptor = VmdkDescriptor.Parse(Encoding.UTF8.GetString(bytes));
        var createType = descriptor.CreateType
            ?? throw new InvalidDiskImageException("The VMDK descriptor file has no createType.");
        if (!string.Equals(createType, MonolithicFlat, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(createType, "vmfs", StringComparison.OrdinalIgnoreCase))
        {
            throw RefuseCreateType(createType);
        }

        if (descriptor.HasParent)
        {
            throw new UnsupportedDiskImageException("The VMDK is a delta disk with a parent (parentCID is set); only standalone disks are supported.");
        }

        if (descriptor.Extents.Count != 1)
        {
            throw new UnsupportedDiskImageException($"The VMDK descriptor names {descriptor.Extents.Count} extents; only single-extent descriptor files are supported.");
        }

        var extent = descriptor.Extents[0];
        if (extent.Type is not ("FLAT" or "VMFS"))
        {
            throw new UnsupportedDiskImageException($"The VMDK descriptor names a {extent.Type} extent; a {createType} descriptor file must name one FLAT extent.");
        }

        var fileName = CheckExtentFileName(extent.FileName);
        if (extent.SizeSectors > DiskImageLimits.MaxVirtualSize / SparseExtentHeader.SectorSize
            || extent.OffsetSectors > long.MaxValue / SparseExtentHeader.SectorSize)
        {
            DiskImageLimits.CheckVirtualSize(long.MaxValue, "VMDK");
        }

        var capacity = extent.SizeSectors * SparseExtentHeader.SectorSize;
        DiskImageLimits.CheckVirtualSize(capacity, "VMDK");
        if (resolveExtent is null)
        {
            throw new InvalidDiskImageException($"The VMDK is a descriptor file naming the extent '{fileName}', and no extent files are available with it.");
        }

        var extentSource = resolveExtent(fileName);
        FlatExtentDisk contents;
        try
        {
            contents = new FlatExtentDisk(extentSource, extent.OffsetSectors * SparseExtentHeader.SectorSize, capacity);
        }
        catch
        {
            await extentSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new VmdkDisk(contents, createType, descriptor, sparseVersion: null, ownsSource ? source : null);
    }

    /// <summary>An extent name is a bare file name beside the descriptor: nothing that could reach elsewhere.</summary>
    private static string CheckExtentFileName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)
            || fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal)
            || fileName.Contains(':', StringComparison.Ordinal) || fileName.Contains('\0', StringComparison.Ordinal)
            || fileName.Contains("..", StringComparison.Ordinal))
        {
            throw new InvalidDiskImageException($"The VMDK descriptor names the extent file '{fileName}'; an extent must be a plain file name without path separators or '..'.");
        }

        return fileName;
    }

    private static UnsupportedDiskImageException RefuseCreateType(string createType)
    {
        var reason = createType.ToUpperInvariant() switch
        {
            "TWOGBMAXEXTENTSPARSE" or "TWOGBMAXEXTENTFLAT" => "is split into several extent files",
            "SESPARSE" or "VMFSSPARSE" => "is a space-efficient or VMFS sparse (snapshot) format",
            "VMFSRAW" or "VMFSRDM" or "VMFSPASSTHROUGHRAWDEVICEMAP" or "FULLDEVICE" or "PARTITIONEDDEVICE" => "maps a raw device",
            "STREAMOPTIMIZED" or "MONOLITHICSPARSE" => "must be a sparse extent file, not a separate descriptor",
            _ => "is not a known single-file VMDK type",
        };
        return new UnsupportedDiskImageException(
            $"The VMDK createType \"{createType}\" {reason}; vmie reads streamOptimized, monolithicSparse and single-extent monolithicFlat VMDKs.");
    }
}
