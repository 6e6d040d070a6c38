using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// A read-only NTFS file system (NTFS 3.x as Windows NT 5+ writes it). Names match without regard to case,
/// using the volume's own $UpCase table. Listings show each file once under its long (Win32 or POSIX) name,
/// never its DOS 8.3 alias, and hide the metadata files (MFT records below 16), as ntfs-3g does; those can
/// still be looked up by name. Symbolic links and junctions become symbolic links whose targets are guest
/// paths; a target on another volume makes the link <see cref="GuestNodeKind.Other"/>. Compressed (LZNT1) and
/// sparse files read; EFS-encrypted files and other reparse points (WOF, deduplication) are refused clearly.
/// The volume is never owned: whoever opened it disposes it.
/// </summary>
public sealed class NtfsFileSystem : IGuestFileSystem
{
    private const long RootRecord = 5;
    private const long VolumeRecord = 3;
    private const long UpCaseRecord = 10;
    private const long FirstUserRecord = 16;

    private readonly NtfsVolume _volume;
    private readonly NtfsUpCase _upCase;

    private NtfsFileSystem(NtfsVolume volume, NtfsUpCase upCase, char driveLetter, string? label)
    {
        _volume = volume;
        _upCase = upCase;
        DriveLetter = driveLetter;
        Label = label;
        Uuid = volume.Boot.SerialNumber.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
        Root = null!;
    }

    public string Type => "ntfs";

    public string? Label { get; }

    /// <summary>The volume serial number as blkid prints it: 16 upper-case hex digits.</summary>
    public string? Uuid { get; }

    public bool IsCaseInsensitive => true;

    public GuestNode Root { get; private set; }

    /// <summary>The drive letter this volume has in the guest: absolute link targets on it become guest paths.</summary>
    public char DriveLetter { get; }

    public int ClusterSize => _volume.ClusterSize;

    /// <summary>True when a volume's first sector carries the NTFS OEM id.</summary>
    public static bool IsNtfs(ReadOnlySpan<byte> firstSector) => NtfsBootSector.HasSignature(firstSector);

    /// <summary>Opens the volume as the system drive C:.</summary>
    public static Task<NtfsFileSystem> OpenAsync(IBlockSource volume, CancellationToken cancellationToken = default) =>
        OpenAsync(volume, 'C', cancellationToken);

    /// <summary>Reads the boot sector, $MFT, $UpCase, $Volume and the root directory; throws <see cref="CorruptFileSystemException"/>.</summary>
    public static async Task<NtfsFileSystem> OpenAsync(IBlockSource volume, char driveLetter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (!char.IsAsciiLetter(driveLetter))
        {
            throw new ArgumentOutOfRangeException(nameof(driveLetter), driveLetter, "A drive letter is A to Z.");
        }

        if (volume.Length < NtfsBootSector.Size)
        {
            throw new CorruptFileSystemException($"A volume of {volume.Length} bytes is too small to hold an NTFS boot sector.");
        }

        var sector = new byte[NtfsBootSector.Size];
        var filled = 0;
        while (filled < sector.Length)
        {
            var read = await volume.ReadAtAsync(filled, sector.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException("The volume ends inside the NTFS boot sector.");
            }

            filled += read;
        }

        var ntfs = new NtfsVolume(volume, NtfsBootSector.Parse(sector, volume.Length));
        await ntfs.LoadMftAsync(cancellationToken).ConfigureAwait(false);

        var upCaseFile = await ntfs.LoadFileAsync(UpCaseRecord, cancellationToken).ConfigureAwait(false);
        var upCaseData = upCaseFile.Stream(NtfsAttributeType.Data, "") ?? throw new CorruptFileSystemException("NTFS $UpCase has no data.");
        if (upCaseData.Length != NtfsUpCase.TableBytes)
        {
            throw new CorruptFileSystemException($"NTFS $UpCase holds {upCaseData.Length} bytes, not {NtfsUpCase.TableBytes}.");
        }

        var table = new byte[NtfsUpCase.TableBytes];
        await upCaseData.ReadAsync(ntfs, 0, table, cancellationToken).ConfigureAwait(false);
        var upCase = new NtfsUpCase(table);

        var volumeFile = await ntfs.LoadFileAsync(VolumeRecord, cancellationToken).ConfigureAwait(false);
        var name = volumeFile.Attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.VolumeName && a.IsResident);
        var label = name is null || name.Value.Length == 0 ? null : new string(MemoryMarshal.Cast<byte, char>(name.Value.AsSpan(0, name.Value.Length & ~1)));

        var fileSystem = new NtfsFileSystem(ntfs, upCase, char.ToUpperInvariant(driveLetter), label);
        var root = await fileSystem.NodeAsync(RootRecord, 0, cancellationToken).ConfigureAwait(false);
        if (root.Kind != GuestNodeKind.Directory)
        {
            throw new CorruptFileSystemException("NTFS root directory (MFT record 5) is not a directory.");
        }

        fileSystem.Root = root;
        return fileSystem;
    }

    public async ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = await IndexAsync(directory, cancellationToken).ConfigureAwait(false);
        if (name.Length is 0 or > 255)
        {
            return null;
        }

        var entry = await index.FindAsync(name, _upCase, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : await NodeAsync(entry.RecordNumber, entry.Sequence, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = await IndexAsync(directory, cancellationToken).ConfigureAwait(false);
        foreach (var entry in await index.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entry.Name.IsDosOnly || entry.RecordNumber < FirstUserRecord)
            {
                continue;
            }

            yield return new GuestDirectoryEntry(entry.Name.Name, await NodeAsync(entry.RecordNumber, entry.Sequence, cancellationToken).ConfigureAwait(false));
        }
    }

    public async ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var node = Own(file);
        if (node.Kind != GuestNodeKind.File)
        {
            throw new ArgumentException($"NTFS MFT record {node.RecordNumber} is not a regular file.", nameof(file));
        }

        if (node.File.IsEncrypted)
        {
            throw new NtfsFeatureNotSupportedException($"NTFS MFT record {node.RecordNumber} is encrypted (EFS); its content cannot be read without the user's keys.");
        }

        if (node.File.ReparsePoint is { } reparse)
        {
            throw new NtfsFeatureNotSupportedException($"NTFS MFT record {node.RecordNumber} is a reparse point with tag 0x{reparse.Tag:X8} (such as WOF compression or deduplication); its content is not in its $DATA.");
        }

        var data = node.Data;
        return data is null ? 0 : await data.ReadAsync(_volume, offset, buffer, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default)
    {
        var node = Own(link);
        return node.Kind == GuestNodeKind.Symlink
            ? ValueTask.FromResult(node.LinkTarget!)
            : throw new ArgumentException($"NTFS MFT record {node.RecordNumber} is not a symbolic link.", nameof(link));
    }

    public ValueTask DisposeAsync()
    {
        _volume.ClearCaches();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<NtfsNode> NodeAsync(long number, ushort sequence, CancellationToken cancellationToken)
    {
        var file = await _volume.LoadFileAsync(number, cancellationToken).ConfigureAwait(false);
        if (sequence != 0 && file.SequenceNumber != sequence)
        {
            throw new CorruptFileSystemException($"NTFS: a directory entry names MFT record {number} sequence {sequence}, but the record is at sequence {file.SequenceNumber}.");
        }

        if (file.ReparsePoint is { IsLink: true } link)
        {
            var target = link.GuestTarget(DriveLetter);
            return new NtfsNode(this, file, target is null ? GuestNodeKind.Other : GuestNodeKind.Symlink, target);
        }

        return new NtfsNode(this, file, file.IsDirectory ? GuestNodeKind.Directory : GuestNodeKind.File, null);
    }

    private async ValueTask<NtfsDirectoryIndex> IndexAsync(GuestNode directory, CancellationToken cancellationToken)
    {
        var node = Own(directory);
        if (node.Kind != GuestNodeKind.Directory)
        {
            throw new ArgumentException($"NTFS MFT record {node.RecordNumber} is not a directory.", nameof(directory));
        }

        return await NtfsDirectoryIndex.OpenAsync(_volume, node.File, cancellationToken).ConfigureAwait(false);
    }

    private NtfsNode Own(GuestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node is NtfsNode ntfsNode && ntfsNode.Owner == this
            ? ntfsNode
            : throw new ArgumentException("The node does not belong to this NTFS file system.", nameof(node));
    }
}
