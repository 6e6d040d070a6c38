using System.Buffers.Binary;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// Subkey lists (Windows registry file format, "Subkeys list"): "li" (key node offsets), "lf" (offset and
/// a 4-character name hint), "lh" (offset and a name hash) and "ri" (offsets of further lists). All start
/// with the 2-byte signature and a 16-bit count. Walking them checks every count against its cell, never
/// visits a list twice (a loop of "ri" lists is corruption) and bounds the "ri" nesting depth.
/// </summary>
internal static class SubkeyList
{
    /// <summary>One entry of a leaf list: the key node offset and, for "lh" lists, the name hash.</summary>
    public readonly record struct Entry(uint KeyOffset, uint? Hash);

    public static async ValueTask<List<Entry>> ReadAsync(HiveCells cells, uint listOffset, CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        var visited = new HashSet<uint>();
        await WalkAsync(cells, listOffset, 0, visited, entries, cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <summary>
    /// The "lh" hash of a name: over its upper-cased characters, hash = hash * 37 + character. Only used to
    /// skip entries for ASCII names, whose upper case is the same everywhere.
    /// </summary>
    public static uint Hash(string name)
    {
        uint hash = 0;
        foreach (var c in name)
        {
            hash = unchecked((hash * 37) + char.ToUpperInvariant(c));
        }

        return hash;
    }

    private static async ValueTask WalkAsync(HiveCells cells, uint listOffset, int depth, HashSet<uint> visited, List<Entry> entries, CancellationToken cancellationToken)
    {
        if (depth > HiveLimits.MaxIndexDepth)
        {
            throw new CorruptHiveException($"Subkey index roots (\"ri\") nest deeper than {HiveLimits.MaxIndexDepth} levels at 0x{listOffset:x}.");
        }

        if (!visited.Add(listOffset))
        {
            throw new CorruptHiveException($"The subkey list at 0x{listOffset:x} is reached twice: the subkey lists form a loop.");
        }

        var cell = await cells.ReadCellAsync(listOffset, "subkey list", cancellationToken).ConfigureAwait(false);
        if (cell.Length < 4)
        {
            throw new CorruptHiveException($"The subkey list at 0x{listOffset:x} is too short for its header.");
        }

        var signature = cell.AsSpan(0, 2);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(cell.AsSpan(2));
        var entrySize = signature.SequenceEqual("lf"u8) || signature.SequenceEqual("lh"u8) ? 8 : 4;
        if (!signature.SequenceEqual("lf"u8) && !signature.SequenceEqual("lh"u8) && !signature.SequenceEqual("li"u8) && !signature.SequenceEqual("ri"u8))
        {
            throw new CorruptHiveException($"The cell at 0x{listOffset:x} should be a subkey list (\"lf\", \"lh\", \"li\" or \"ri\") and is not.");
        }

        if (4 + (count * entrySize) > cell.Length)
        {
            throw new CorruptHiveException($"The subkey list at 0x{listOffset:x} declares {count} entries; its cell holds {(cell.Length - 4) / entrySize}.");
        }

        if (entries.Count + count > HiveLimits.MaxSubkeys)
        {
            throw new CorruptHiveException($"A key's subkey lists hold more than {HiveLimits.MaxSubkeys} entries.");
        }

        var isIndexRoot = signature.SequenceEqual("ri"u8);
        var isHashLeaf = signature.SequenceEqual("lh"u8);
        for (var i = 0; i < count; i++)
        {
            var at = 4 + (i * entrySize);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(cell.AsSpan(at));
            if (isIndexRoot)
            {
                await WalkAsync(cells, offset, depth + 1, visited, entries, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                entries.Add(new Entry(offset, isHashLeaf ? BinaryPrimitives.ReadUInt32LittleEndian(cell.AsSpan(at + 4)) : null));
            }
        }
    }
}
