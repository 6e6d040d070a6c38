using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Btrfs;
using Vmie.Guest.FileSystems.Ext;
using Vmie.Guest.FileSystems.Fat;
using Vmie.Guest.FileSystems.Ntfs;
using Vmie.Guest.FileSystems.Xfs;
using Vmie.Guest.Linux.Initramfs;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Lvm;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Fuzz.Harness;

/// <summary>
/// The fuzz targets of the guest readers, shared by the fuzzer (fuzz/Vmie.Guest.Fuzz) and the regression test that
/// replays fuzz/corpus and fuzz/findings. Each takes the input as an in-memory source, opens it, walks what it
/// holds with bounded work, and disposes. The exceptions the readers throw by design for a damaged or unsupported
/// input (<see cref="IsRejection"/>) are the answer a hostile input deserves; any other exception, a broken
/// contract, or a hang is a finding.
/// </summary>
public static class GuestParserTargets
{
    public const int MaxNodes = 2000;
    public const int MaxDepth = 32;
    public const int MaxFileBytes = 1 << 20;
    public const int MaxHiveKeys = 5000;
    public const int MaxHiveDepth = 16;

    /// <summary>Bytes read from each logical volume the lvm target assembles, at its start, middle and end.</summary>
    private const int LogicalVolumeProbeBytes = 64 << 10;

    private const int ReadChunk = 64 << 10;

    /// <summary>The two physical volumes of tests/Vmie.Guest.Tests/Volumes/Samples (lvm2 2.03), as the lvm target labels its PVs.</summary>
    private static readonly string[] PhysicalVolumeUuids = ["RTCEvpePG2rP0IIeYtQO0VjSBen514mq", "4Uhjt24hIt3lc7UyvAb4NKPafjq204Jm"];

    private const long PhysicalVolumeLength = 64L << 20;
    private const int MetadataAreaOffset = 4096;
    private const int MetadataAreaSize = (1 << 20) - MetadataAreaOffset;

    /// <summary>Paths every file-system target resolves through <see cref="GuestFiles"/>: what inspection looks up first.</summary>
    private static readonly string[] GuestPaths =
        ["/etc/os-release", "/usr/lib/os-release", "/etc/fstab", "/boot/grub/grub.cfg", "/Windows/System32/config/SYSTEM", "/EFI/BOOT/BOOTX64.EFI", "/link/../etc/./os-release"];

    // Targets whose input is a packed image (PackedBlockSource): `pack TARGET IMAGE SEED` makes a seed for them.
    private static readonly Dictionary<string, Func<IBlockSource, CancellationToken, Task>> VolumeTargets = new(StringComparer.Ordinal)
    {
        ["partitions"] = DiscoverVolumesAsync,
        ["ext"] = (volume, ct) => WalkFileSystemAsync(ExtFileSystem.OpenAsync(volume, ct), ct),
        ["xfs"] = (volume, ct) => WalkFileSystemAsync(XfsFileSystem.OpenAsync(volume, ct), ct),
        ["btrfs"] = (volume, ct) => WalkFileSystemAsync(BtrfsFileSystem.OpenAsync(volume, ct), ct),
        ["ntfs"] = (volume, ct) => WalkFileSystemAsync(NtfsFileSystem.OpenAsync(volume, ct), ct),
        ["fat"] = (volume, ct) => WalkFileSystemAsync(FatFileSystem.OpenAsync(volume, ct), ct),
    };

    // Targets whose input is the raw bytes of what they parse.
    private static readonly Dictionary<string, Func<byte[], CancellationToken, Task>> ByteTargets = new(StringComparer.Ordinal)
    {
        ["lvm"] = ActivateVolumeGroupAsync,
        ["regf"] = (input, ct) => WalkHiveAsync(new MemoryBlockSource(input), ct),
        ["initramfs"] = ListInitramfsAsync,
    };

    public static IReadOnlyCollection<string> Names => [.. VolumeTargets.Keys, .. ByteTargets.Keys];

    public static IReadOnlyCollection<string> PackedNames => VolumeTargets.Keys;

    /// <summary>
    /// Runs <paramref name="target"/> on <paramref name="input"/>. Returns null on success, the exception on an expected
    /// rejection; anything else propagates (that is the finding).
    /// </summary>
    public static async Task<Exception?> RunAsync(string target, byte[] input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        Func<CancellationToken, Task> run = VolumeTargets.TryGetValue(target, out var walk)
            ? ct => walk(new PackedBlockSource(input), ct)
            : ByteTargets.TryGetValue(target, out var parse)
                ? ct => parse(input, ct)
                : throw new ArgumentException($"Unknown fuzz target '{target}'; known: {string.Join(", ", Names)}.", nameof(target));
        try
        {
            await run(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception rejection) when (IsRejection(rejection))
        {
            return rejection;
        }
    }

    /// <summary>
    /// Runs a packed target over a real image, noting the sectors it reads, and packs those: a seed that walks as far
    /// as the image does, in a few KiB.
    /// </summary>
    public static async Task<byte[]> PackAsync(string target, IBlockSource image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!VolumeTargets.TryGetValue(target, out var walk))
        {
            throw new ArgumentException($"'{target}' does not take a packed image; packed targets: {string.Join(", ", PackedNames)}.", nameof(target));
        }

        var recording = new RecordingBlockSource(image);
        await walk(recording, cancellationToken).ConfigureAwait(false);
        var sectors = new List<(long, byte[])>();
        foreach (var sector in recording.SectorsRead)
        {
            var data = new byte[PackedBlockSource.SectorSize];
            _ = await image.ReadAtAsync(sector * PackedBlockSource.SectorSize, data, cancellationToken).ConfigureAwait(false);
            sectors.Add((sector, data));
        }

        return PackedBlockSource.Pack(image.Length, sectors);
    }

    /// <summary>What the readers throw by design for a damaged, hostile or unsupported input.</summary>
    public static bool IsRejection(Exception exception) => exception is CorruptFileSystemException or CorruptVolumeException
        or ExtFeatureNotSupportedException or XfsFeatureNotSupportedException or BtrfsNotSupportedException or NtfsFeatureNotSupportedException
        or GuestFileTooLargeException or CorruptHiveException or UnreadableInitramfsException;

    /// <summary>The input as a guest's only disk: its partition table, then every volume on it (probes, LVM).</summary>
    private static async Task DiscoverVolumesAsync(IBlockSource disk, CancellationToken cancellationToken)
    {
        try
        {
            var table = await PartitionTableReader.ReadAsync(disk, cancellationToken).ConfigureAwait(false);
            foreach (var partition in table.Partitions)
            {
                Check(partition.Start >= 0 && partition.Length >= 0, $"partition {partition.Number} at {partition.Start} of {partition.Length} bytes");
            }
        }
        catch (CorruptVolumeException)
        {
            // DiscoverAsync reports it as a problem and goes on: so does this target.
        }

        var found = await GuestVolumes.DiscoverAsync([disk], cancellationToken).ConfigureAwait(false);
        foreach (var volume in found.Volumes)
        {
            _ = GuestFileSystemOpener.MissingReaderReason(volume.Content);
            var length = volume.Source.Length;
            Check(length >= 0, $"{volume.DeviceName} has length {length}");
            if (length > 0)
            {
                await ReadSampleAsync(volume.Source, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The input is LVM2 metadata text. It is put, with valid checksums, in the metadata area of two physical volumes
    /// labelled with the sample's PV UUIDs, which are then activated as a guest's disks: past the checksums, to the
    /// text parser and the mapping of every logical volume, whose start, middle and end are read.
    /// </summary>
    private static async Task ActivateVolumeGroupAsync(byte[] input, CancellationToken cancellationToken)
    {
        var found = await GuestVolumes.DiscoverAsync(PhysicalVolumesHolding(input), cancellationToken).ConfigureAwait(false);
        foreach (var volume in found.Volumes.Where(v => v.IsLogicalVolume))
        {
            await ReadSampleAsync(volume.Source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The lvm target's disks: two physical volumes labelled with the sample's PV UUIDs, both holding <paramref name="text"/> as their metadata.</summary>
    public static IBlockSource[] PhysicalVolumesHolding(byte[] text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fitting = text.Length <= MetadataAreaSize - 512 ? text : text[..(MetadataAreaSize - 512)];
        return [.. PhysicalVolumeUuids.Select(uuid => new PackedBlockSource(PhysicalVolume(uuid, fitting)))];
    }

    private static byte[] PhysicalVolume(string uuid, byte[] text)
    {
        const int sector = PackedBlockSource.SectorSize;
        var label = new byte[sector];
        "LABELONE"u8.CopyTo(label);
        BinaryPrimitives.WriteUInt64LittleEndian(label.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(label.AsSpan(20), 32);
        "LVM2 001"u8.CopyTo(label.AsSpan(24));
        Encoding.ASCII.GetBytes(uuid).CopyTo(label, 32);
        BinaryPrimitives.WriteUInt64LittleEndian(label.AsSpan(64), PhysicalVolumeLength);
        BinaryPrimitives.WriteUInt64LittleEndian(label.AsSpan(72), 1 << 20); // one data area from 1 MiB to the end
        BinaryPrimitives.WriteUInt64LittleEndian(label.AsSpan(104), MetadataAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(label.AsSpan(112), MetadataAreaSize);
        BinaryPrimitives.WriteUInt32LittleEndian(label.AsSpan(16), LvmChecksum.Compute(label.AsSpan(20)));

        var header = new byte[sector];
        " LVM2 x[5A%r0N*>"u8.CopyTo(header.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), MetadataAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(32), MetadataAreaSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(40), sector);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(48), (ulong)text.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(56), LvmChecksum.Compute(text));
        BinaryPrimitives.WriteUInt32LittleEndian(header, LvmChecksum.Compute(header.AsSpan(4)));

        var sectors = new List<(long, byte[])> { (1, label), (MetadataAreaOffset / sector, header) };
        for (var offset = 0; offset < text.Length; offset += sector)
        {
            var data = new byte[sector];
            text.AsSpan(offset, Math.Min(sector, text.Length - offset)).CopyTo(data);
            sectors.Add(((MetadataAreaOffset / sector) + 1 + (offset / sector), data));
        }

        return PackedBlockSource.Pack(PhysicalVolumeLength, sectors);
    }

    /// <summary>
    /// Opens a file system, reads its label and UUID, walks the tree from the root (at most <see cref="MaxNodes"/>
    /// nodes, <see cref="MaxDepth"/> deep), looks every listed name up again, reads every file (the first
    /// <see cref="MaxFileBytes"/>) and every link, then resolves <see cref="GuestPaths"/> as inspection does.
    /// </summary>
    private static async Task WalkFileSystemAsync<TFileSystem>(Task<TFileSystem> opening, CancellationToken cancellationToken)
        where TFileSystem : IGuestFileSystem
    {
        await using var fileSystem = await opening.ConfigureAwait(false);
        _ = (fileSystem.Type, fileSystem.Label, fileSystem.Uuid, fileSystem.IsCaseInsensitive);
        var buffer = new byte[ReadChunk];
        var pending = new Queue<(GuestNode Directory, int Depth)>();
        pending.Enqueue((fileSystem.Root, 0));
        var nodes = 1;
        while (pending.TryDequeue(out var next) && nodes < MaxNodes)
        {
            var (directory, depth) = next;
            Check(directory.Kind == GuestNodeKind.Directory, "a directory to list is not a directory");
            await foreach (var entry in fileSystem.ListAsync(directory, cancellationToken).ConfigureAwait(false))
            {
                Check(entry.Name.Length > 0 && entry.Name is not ("." or ".."), $"a directory lists the name \"{entry.Name}\"");
                if (++nodes > MaxNodes)
                {
                    break;
                }

                _ = await fileSystem.LookupAsync(directory, entry.Name, cancellationToken).ConfigureAwait(false);
                var node = entry.Node;
                _ = (node.Size, node.Mode, node.ModifiedTime);
                switch (node.Kind)
                {
                    case GuestNodeKind.Directory when depth < MaxDepth:
                        pending.Enqueue((node, depth + 1));
                        break;
                    case GuestNodeKind.File:
                        await ReadFileAsync(fileSystem, node, buffer, cancellationToken).ConfigureAwait(false);
                        break;
                    case GuestNodeKind.Symlink:
                        _ = await fileSystem.ReadLinkAsync(node, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }

        var files = new GuestFiles(fileSystem);
        foreach (var path in GuestPaths)
        {
            _ = await files.FindAsync(path, followLastLink: false, cancellationToken).ConfigureAwait(false);
            _ = await files.ReadAllBytesAsync(path, MaxFileBytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReadFileAsync(IGuestFileSystem fileSystem, GuestNode file, byte[] buffer, CancellationToken cancellationToken)
    {
        for (long offset = 0; offset < MaxFileBytes;)
        {
            var read = await fileSystem.ReadAsync(file, offset, buffer, cancellationToken).ConfigureAwait(false);
            Check(read >= 0 && read <= buffer.Length, $"a read of {buffer.Length} bytes gave {read}");
            if (read == 0)
            {
                break;
            }

            offset += read;
        }
    }

    /// <summary>A registry hive: its header fields, then keys breadth first (bounded) with every value's data and class name.</summary>
    private static async Task WalkHiveAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        var hive = await RegistryHive.OpenAsync(source, cancellationToken).ConfigureAwait(false);
        _ = (hive.IsDirty, hive.Version, hive.LastWritten, hive.EmbeddedFileName, hive.Warnings.Count);
        var pending = new Queue<(RegistryKey Key, int Depth)>();
        pending.Enqueue((hive.Root, 0));
        var keys = 1;
        while (pending.TryDequeue(out var next))
        {
            var (key, depth) = next;
            _ = (key.Name, key.Path, key.LastWritten, key.SubkeyCount, key.ValueCount);
            _ = await key.GetClassNameAsync(cancellationToken).ConfigureAwait(false);
            foreach (var value in await key.GetValuesAsync(cancellationToken).ConfigureAwait(false))
            {
                _ = (value.Name, value.Value, value.ToString());
            }

            foreach (var name in await key.GetValueNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                _ = await key.GetValueAsync(name, cancellationToken).ConfigureAwait(false);
            }

            if (depth >= MaxHiveDepth)
            {
                continue;
            }

            foreach (var subkey in await key.GetSubkeysAsync(cancellationToken).ConfigureAwait(false))
            {
                if (++keys > MaxHiveKeys)
                {
                    return;
                }

                _ = await key.GetSubkeyAsync(subkey.Name, cancellationToken).ConfigureAwait(false);
                pending.Enqueue((subkey, depth + 1));
            }
        }

        _ = await hive.OpenKeyAsync(@"Microsoft\Windows NT\CurrentVersion", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An initramfs image: every archive and compressed stream listed, with limits scaled to a fuzz input.</summary>
    private static Task ListInitramfsAsync(byte[] input, CancellationToken cancellationToken)
    {
        using var image = new MemoryStream(input, writable: false);
        var contents = InitramfsReader.Read(image, new InitramfsLimits(64L << 20, 10_000), cancellationToken);
        _ = (contents.Contains("/init"), contents.ContainsModule("nvme"), contents.Segments.Count);
        foreach (var entry in contents.Entries)
        {
            _ = (entry.Path, entry.IsDirectory, entry.IsFile, entry.IsSymlink);
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads the first, a middle and the last 64 KiB of a volume, across whatever it maps onto.</summary>
    private static async Task ReadSampleAsync(IBlockSource volume, CancellationToken cancellationToken)
    {
        var buffer = new byte[LogicalVolumeProbeBytes];
        foreach (var offset in new[] { 0, volume.Length / 2, Math.Max(0, volume.Length - buffer.Length) })
        {
            var wanted = (int)Math.Min(buffer.Length, volume.Length - offset);
            var read = await volume.ReadAtAsync(offset, buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
            Check(read == wanted, $"read {read} of {wanted} bytes at {offset} of a {volume.Length}-byte volume");
        }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzContractViolationException(what);
        }
    }
}
