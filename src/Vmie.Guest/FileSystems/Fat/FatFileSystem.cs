using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// A read-only FAT12, FAT16 or FAT32 file system with VFAT long names (Microsoft FAT specification), as
/// EFI system partitions use. It reads only the sectors it needs, caches FAT and directory pieces within a
/// fixed budget, and never owns its volume: whoever opened the volume disposes it. FAT has no symbolic links.
/// </summary>
public sealed class FatFileSystem : IGuestFileSystem
{
    // A directory holds at most 65536 entries (§6): this bounds every directory's chain.
    private const long MaxDirectoryBytes = 65536L * FatDirectoryRecord.Size32;
    private const int RootChunkBytes = 4096;

    private readonly FatVolume _volume;

    private FatFileSystem(FatVolume volume)
    {
        _volume = volume;
        var boot = volume.Boot;
        var root = new FatDirectoryRecord
        {
            Name = "",
            ShortName = "",
            Attributes = FatDirectoryRecord.DirectoryFlag,
            FirstCluster = boot.RootCluster,
            Size = 0,
        };
        Root = new FatNode(this, root, boot.Type == FatType.Fat32 ? DirectoryChain(boot.RootCluster, "root directory") : null);
        Label = boot.Label;
    }

    public string Type => "vfat";

    /// <summary>The volume label entry in the root directory, else the boot sector's label (blkid's order).</summary>
    public string? Label { get; private set; }

    /// <summary>The volume serial number as blkid and fstab show it: "ABCD-1234".</summary>
    public string? Uuid => _volume.Boot.SerialNumber is { } serial ? $"{serial >> 16:X4}-{serial & 0xFFFF:X4}" : null;

    public bool IsCaseInsensitive => true;

    public GuestNode Root { get; }

    /// <summary>FAT12, FAT16 or FAT32, as the reader decodes the allocation table.</summary>
    public FatType FatType => _volume.Boot.Type;

    public int ClusterSize => _volume.Boot.ClusterSize;

    /// <summary>Reads the boot sector and finds the volume label; throws <see cref="CorruptFileSystemException"/>.</summary>
    public static async Task<FatFileSystem> OpenAsync(IBlockSource volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.Length < FatBootSector.Size)
        {
            throw new CorruptFileSystemException($"A volume of {volume.Length} bytes is too small to hold a FAT boot sector.");
        }

        var sector = new byte[FatBootSector.Size];
        var filled = 0;
        while (filled < sector.Length)
        {
            var read = await volume.ReadAtAsync(filled, sector.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException("The volume ends inside the FAT boot sector.");
            }

            filled += read;
        }

        var boot = FatBootSector.Parse(sector, volume.Length);
        var fileSystem = new FatFileSystem(new FatVolume(volume, boot));
        await foreach (var record in fileSystem.ReadDirectoryAsync((FatNode)fileSystem.Root, cancellationToken).ConfigureAwait(false))
        {
            if ((record.Attributes & FatDirectoryRecord.VolumeId) != 0)
            {
                fileSystem.Label = record.Name.Length == 0 ? fileSystem.Label : record.Name;
                break;
            }
        }

        return fileSystem;
    }

    public async ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var node = DirectoryNode(directory);
        await foreach (var record in ReadDirectoryAsync(node, cancellationToken).ConfigureAwait(false))
        {
            if ((record.Attributes & FatDirectoryRecord.VolumeId) == 0 &&
                (string.Equals(record.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(record.ShortName, name, StringComparison.OrdinalIgnoreCase)))
            {
                return NodeFor(record);
            }
        }

        return null;
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var node = DirectoryNode(directory);
        await foreach (var record in ReadDirectoryAsync(node, cancellationToken).ConfigureAwait(false))
        {
            if ((record.Attributes & FatDirectoryRecord.VolumeId) == 0)
            {
                yield return new GuestDirectoryEntry(record.Name, NodeFor(record));
            }
        }
    }

    public async ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var node = Own(file);
        if (node.Kind != GuestNodeKind.File)
        {
            throw new ArgumentException($"FAT entry {node.Record.Name} is not a file.", nameof(file));
        }

        if (offset >= node.Size || buffer.IsEmpty)
        {
            return 0;
        }

        var chain = node.Chain ?? throw new CorruptFileSystemException($"FAT file {node.Record.Name}: {node.Size} bytes but no clusters.");
        var clusterSize = _volume.Boot.ClusterSize;
        var wanted = (int)Math.Min(buffer.Length, node.Size - offset);
        var done = 0;
        while (done < wanted)
        {
            var position = offset + done;
            var inCluster = (int)(position % clusterSize);
            var run = await chain.RunAtAsync(position / clusterSize, cancellationToken).ConfigureAwait(false)
                ?? throw new CorruptFileSystemException($"FAT file {node.Record.Name}: its size of {node.Size} bytes runs past the end of its cluster chain.");
            var chunk = (int)Math.Min(wanted - done, ((long)run.Count * clusterSize) - inCluster);
            await _volume.ReadDataAsync(run.Cluster, inCluster, buffer.Slice(done, chunk), cancellationToken).ConfigureAwait(false);
            done += chunk;
        }

        return wanted;
    }

    public ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default)
    {
        Own(link);
        throw new ArgumentException("FAT has no symbolic links.", nameof(link));
    }

    public ValueTask DisposeAsync()
    {
        _volume.ClearCache();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The short entries of a directory, each with its long name when one precedes it intact, and the volume
    /// label entry (attribute 0x08, its text as Name); deleted entries, "." and "..", and entries with no usable
    /// name (a blank short name, '/' in it) are skipped (§6.1).
    /// </summary>
    private async IAsyncEnumerable<FatDirectoryRecord> ReadDirectoryAsync(FatNode directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var boot = _volume.Boot;
        var fat32 = boot.Type == FatType.Fat32;
        var longName = new FatLongName();
        long index = 0;
        while (true)
        {
            byte[] data;
            if (directory.Chain is null)
            {
                var start = index * RootChunkBytes;
                if (start >= boot.RootDirectoryBytes)
                {
                    yield break;
                }

                data = await _volume.ReadMetadataAsync(boot.RootDirectoryOffset + start, (int)Math.Min(RootChunkBytes, boot.RootDirectoryBytes - start), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (await directory.Chain.RunAtAsync(index, cancellationToken).ConfigureAwait(false) is not { } run)
                {
                    yield break;
                }

                data = await _volume.ReadMetadataAsync(boot.ClusterOffset(run.Cluster), boot.ClusterSize, cancellationToken).ConfigureAwait(false);
            }

            index++;
            for (var at = 0; at + FatDirectoryRecord.Size32 <= data.Length; at += FatDirectoryRecord.Size32)
            {
                var entry = data.AsMemory(at, FatDirectoryRecord.Size32);
                var first = entry.Span[0];
                var attributes = entry.Span[11];
                if (first == 0x00)
                {
                    yield break;
                }

                if (first == 0xE5)
                {
                    longName.Reset();
                }
                else if ((attributes & 0x3F) == FatDirectoryRecord.LongNameMask)
                {
                    longName.Add(entry.Span);
                }
                else if ((attributes & FatDirectoryRecord.VolumeId) != 0)
                {
                    longName.Reset();
                    yield return new FatDirectoryRecord
                    {
                        Name = FatBootSector.LabelText(entry.Span[..11]) ?? "",
                        ShortName = "",
                        Attributes = attributes,
                        FirstCluster = 0,
                        Size = 0,
                    };
                }
                else if (IsDotEntry(entry.Span))
                {
                    longName.Reset();
                }
                else
                {
                    var record = FatDirectoryRecord.Parse(entry.Span, longName.Complete(entry.Span), fat32);

                    // A short name of spaces only, or holding '/', names nothing a path can reach: damage, skipped.
                    if (record.Name.Length > 0 && !record.Name.Contains('/', StringComparison.Ordinal))
                    {
                        yield return record;
                    }
                }
            }
        }
    }

    private static bool IsDotEntry(ReadOnlySpan<byte> entry) =>
        entry[0] == (byte)'.' && (entry[1] == (byte)' ' || (entry[1] == (byte)'.' && entry[2] == (byte)' '));

    private FatNode NodeFor(FatDirectoryRecord record)
    {
        var boot = _volume.Boot;
        if (record.IsDirectory)
        {
            return new FatNode(this, record, DirectoryChain(record.FirstCluster, $"directory {record.Name}"));
        }

        var maxBytes = (long)boot.ClusterCount * boot.ClusterSize;
        if (record.Size > maxBytes)
        {
            throw new CorruptFileSystemException($"FAT file {record.Name}: {record.Size} bytes, more than the volume's {maxBytes} bytes of clusters.");
        }

        if (record.Size == 0)
        {
            return new FatNode(this, record, null);
        }

        var clusters = (record.Size + boot.ClusterSize - 1) / boot.ClusterSize;
        return new FatNode(this, record, new FatClusterChain(_volume, record.FirstCluster, clusters, $"file {record.Name}"));
    }

    private FatClusterChain DirectoryChain(uint firstCluster, string what) =>
        new(_volume, firstCluster, (MaxDirectoryBytes + _volume.Boot.ClusterSize - 1) / _volume.Boot.ClusterSize, what);

    private FatNode Own(GuestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not FatNode fatNode || fatNode.Owner != this)
        {
            throw new ArgumentException("The node does not belong to this FAT file system.", nameof(node));
        }

        return fatNode;
    }

    private FatNode DirectoryNode(GuestNode directory)
    {
        var node = Own(directory);
        if (node.Kind != GuestNodeKind.Directory)
        {
            throw new ArgumentException($"FAT entry {node.Record.Name} is not a directory.", nameof(directory));
        }

        return node;
    }
}
