using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// A Windows registry hive file (regf: SYSTEM, SOFTWARE, SAM, NTUSER.DAT...) opened read-only. The base
/// block and the root key are read when opening; every other cell is read on demand through a bounded
/// cache, so a SOFTWARE hive of ~100 MiB read from a guest costs a few MiB of memory. The source or stream
/// stays the caller's to dispose, and must outlive the hive's use.
/// </summary>
public sealed class RegistryHive
{
    private RegistryHive(HiveBaseBlock baseBlock, HiveCells cells, KeyNode rootNode, IReadOnlyList<string> warnings)
    {
        BaseBlock = baseBlock;
        Cells = cells;
        Warnings = warnings;
        Root = new RegistryKey(this, rootNode, null);
    }

    /// <summary>The hive's root key.</summary>
    public RegistryKey Root { get; }

    /// <summary>
    /// True when the primary and secondary sequence numbers differ: Windows was interrupted while writing
    /// the hive, and its latest changes are only in the .LOG1/.LOG2 transaction logs, which this reader
    /// does not replay.
    /// </summary>
    public bool IsDirty => BaseBlock.IsDirty;

    public uint PrimarySequence => BaseBlock.PrimarySequence;

    public uint SecondarySequence => BaseBlock.SecondarySequence;

    /// <summary>The format version, e.g. "1.5".</summary>
    public string Version => $"{BaseBlock.MajorVersion}.{BaseBlock.MinorVersion}";

    public DateTimeOffset? LastWritten => BaseBlock.LastWritten;

    /// <summary>The file name embedded in the base block (the tail of the path Windows saved the hive to).</summary>
    public string EmbeddedFileName => BaseBlock.FileName;

    /// <summary>What a reader of this hive should know but that does not stop it being read (a dirty hive).</summary>
    public IReadOnlyList<string> Warnings { get; }

    internal HiveBaseBlock BaseBlock { get; }

    internal HiveCells Cells { get; }

    /// <summary>Opens a hive over random reads (a file, or a hive inside a guest disk).</summary>
    public static async Task<RegistryHive> OpenAsync(IBlockSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var block = new byte[HiveBaseBlock.Size];
        var filled = 0;
        while (filled < block.Length)
        {
            var read = await source.ReadAtAsync(filled, block.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                break;
            }

            filled += read;
        }

        var baseBlock = HiveBaseBlock.Parse(block.AsSpan(0, filled), source.Length);
        var cells = new HiveCells(source, baseBlock.HiveBinsDataSize);
        await CheckFirstBinAsync(cells, cancellationToken).ConfigureAwait(false);

        var warnings = new List<string>();
        if (baseBlock.IsDirty)
        {
            warnings.Add($"The hive is dirty (primary sequence {baseBlock.PrimarySequence}, secondary {baseBlock.SecondarySequence}): " +
                "its latest changes are in the .LOG1/.LOG2 transaction logs, which are ignored; keys and values are read as last fully written.");
        }

        var rootNode = await KeyNode.ReadAsync(cells, baseBlock.RootCellOffset, cancellationToken).ConfigureAwait(false);
        return new RegistryHive(baseBlock, cells, rootNode, warnings);
    }

    /// <summary>
    /// Opens a hive over a readable, seekable stream, such as GuestFiles.OpenRead of
    /// Windows\System32\config\SOFTWARE. Reads are serialised on the stream.
    /// </summary>
    public static Task<RegistryHive> OpenAsync(Stream stream, CancellationToken cancellationToken = default) =>
        OpenAsync(new StreamBlockSource(stream), cancellationToken);

    /// <summary>The key at a path from the root (e.g. @"Microsoft\Windows NT\CurrentVersion"), any case, or null.</summary>
    public ValueTask<RegistryKey?> OpenKeyAsync(string path, CancellationToken cancellationToken = default) =>
        Root.OpenSubkeyAsync(path, cancellationToken);

    /// <summary>The first hive bin starts right after the base block with "hbin" and offset 0 ("Hive bin header").</summary>
    private static async ValueTask CheckFirstBinAsync(HiveCells cells, CancellationToken cancellationToken)
    {
        var header = await cells.ReadAsync(0, 32, cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(0, 4).SequenceEqual("hbin"u8) || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)) != 0)
        {
            throw new CorruptHiveException("The first hive bin at byte 4096 does not start with \"hbin\" at offset 0.");
        }
    }
}
