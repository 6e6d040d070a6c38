using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// A key of an open hive. Subkeys and values are read from the hive when asked for, never all at once;
/// names compare case-insensitively, as Windows compares them.
/// </summary>
public sealed class RegistryKey
{
    private readonly RegistryHive _hive;
    private readonly KeyNode _node;
    private readonly RegistryKey? _parent;

    internal RegistryKey(RegistryHive hive, KeyNode node, RegistryKey? parent)
    {
        _hive = hive;
        _node = node;
        _parent = parent;
        Depth = parent is null ? 0 : parent.Depth + 1;
        Path = parent is null ? "" : parent.Path.Length == 0 ? node.Name : parent.Path + "\\" + node.Name;
    }

    /// <summary>The key's own name (the root key's name is whatever Windows saved, e.g. "ROOT" or "CMI-CreateHive{...}").</summary>
    public string Name => _node.Name;

    /// <summary>The path from the hive's root, components joined by '\'; empty for the root.</summary>
    public string Path { get; }

    public DateTimeOffset? LastWritten => _node.LastWritten;

    /// <summary>The subkey count the key node declares.</summary>
    public long SubkeyCount => _node.SubkeyCount;

    /// <summary>The value count the key node declares.</summary>
    public long ValueCount => _node.ValueCount;

    internal int Depth { get; }

    /// <summary>The key's class name (a UTF-16 string some keys carry), or null when it has none.</summary>
    public async ValueTask<string?> GetClassNameAsync(CancellationToken cancellationToken = default)
    {
        if (_node.ClassOffset == HiveCells.NoCell || _node.ClassLength == 0)
        {
            return null;
        }

        var cell = await _hive.Cells.ReadCellAsync(_node.ClassOffset, "class name", cancellationToken).ConfigureAwait(false);
        if (cell.Length < _node.ClassLength)
        {
            throw new CorruptHiveException($"The class name of key \"{Path}\" declares {_node.ClassLength} bytes; its cell holds {cell.Length}.");
        }

        return Encoding.Unicode.GetString(cell.AsSpan(0, _node.ClassLength & ~1));
    }

    /// <summary>All subkeys, in the hive's order (Windows keeps them sorted by upper-cased name).</summary>
    public async ValueTask<IReadOnlyList<RegistryKey>> GetSubkeysAsync(CancellationToken cancellationToken = default)
    {
        var entries = await SubkeyEntriesAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<RegistryKey>(entries.Count);
        foreach (var entry in entries)
        {
            keys.Add(await ChildAsync(entry.KeyOffset, cancellationToken).ConfigureAwait(false));
        }

        return keys;
    }

    /// <summary>The names of all subkeys.</summary>
    public async ValueTask<IReadOnlyList<string>> GetSubkeyNamesAsync(CancellationToken cancellationToken = default)
    {
        var keys = await GetSubkeysAsync(cancellationToken).ConfigureAwait(false);
        return [.. keys.Select(key => key.Name)];
    }

    /// <summary>The direct subkey called <paramref name="name"/> (any case), or null.</summary>
    public async ValueTask<RegistryKey?> GetSubkeyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var entries = await SubkeyEntriesAsync(cancellationToken).ConfigureAwait(false);

        // The "lh" hash lets most entries be skipped unread; it is trusted only for ASCII names, whose upper
        // case cannot differ between this reader and Windows.
        uint? hash = Ascii.IsValid(name) ? SubkeyList.Hash(name) : null;
        foreach (var entry in entries)
        {
            if (hash is not null && entry.Hash is not null && entry.Hash != hash)
            {
                continue;
            }

            var node = await KeyNode.ReadAsync(_hive.Cells, entry.KeyOffset, cancellationToken).ConfigureAwait(false);
            if (string.Equals(node.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return Child(node);
            }
        }

        return null;
    }

    /// <summary>
    /// The key at a path below this one, components separated by '\' (e.g. @"Microsoft\Windows NT\CurrentVersion"),
    /// any case; null when a component is missing.
    /// </summary>
    public async ValueTask<RegistryKey?> OpenSubkeyAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('\\', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > HiveLimits.MaxPathDepth)
        {
            throw new ArgumentException($"A key path has at most {HiveLimits.MaxPathDepth} components.", nameof(path));
        }

        var key = this;
        foreach (var part in parts)
        {
            key = await key.GetSubkeyAsync(part, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                return null;
            }
        }

        return key;
    }

    /// <summary>The names of all values (empty for the default value), without loading their data.</summary>
    public async ValueTask<IReadOnlyList<string>> GetValueNamesAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        foreach (var offset in await ValueOffsetsAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add((await ValueNode.ReadAsync(_hive.Cells, offset, cancellationToken).ConfigureAwait(false)).Name);
        }

        return names;
    }

    /// <summary>All values with their data.</summary>
    public async ValueTask<IReadOnlyList<RegistryValue>> GetValuesAsync(CancellationToken cancellationToken = default)
    {
        var values = new List<RegistryValue>();
        long total = 0;
        foreach (var offset in await ValueOffsetsAsync(cancellationToken).ConfigureAwait(false))
        {
            var node = await ValueNode.ReadAsync(_hive.Cells, offset, cancellationToken).ConfigureAwait(false);
            total += node.DataLength;
            if (total > HiveLimits.MaxValueDataBytes * 4L)
            {
                throw new CorruptHiveException($"The values of key \"{Path}\" hold more than {HiveLimits.MaxValueDataBytes * 4L} bytes of data, above the reader's limit.");
            }

            values.Add(await LoadAsync(node, cancellationToken).ConfigureAwait(false));
        }

        return values;
    }

    /// <summary>The value called <paramref name="name"/> (any case; empty for the default value) with its data, or null.</summary>
    public async ValueTask<RegistryValue?> GetValueAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var offset in await ValueOffsetsAsync(cancellationToken).ConfigureAwait(false))
        {
            var node = await ValueNode.ReadAsync(_hive.Cells, offset, cancellationToken).ConfigureAwait(false);
            if (string.Equals(node.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return await LoadAsync(node, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <summary>A string value (REG_SZ, REG_EXPAND_SZ unexpanded, REG_LINK), or null when missing or of another type.</summary>
    public async ValueTask<string?> GetStringAsync(string name, CancellationToken cancellationToken = default)
    {
        var value = await GetValueAsync(name, cancellationToken).ConfigureAwait(false);
        return value is { IsString: true } ? value.AsString() : null;
    }

    /// <summary>A REG_DWORD value (either endianness), or null when missing or of another type.</summary>
    public async ValueTask<uint?> GetUInt32Async(string name, CancellationToken cancellationToken = default)
    {
        var value = await GetValueAsync(name, cancellationToken).ConfigureAwait(false);
        return value?.Kind is RegistryValueKind.DWord or RegistryValueKind.DWordBigEndian ? value.AsUInt32() : null;
    }

    public override string ToString() => Path.Length == 0 ? "(root)" : Path;

    private async ValueTask<List<SubkeyList.Entry>> SubkeyEntriesAsync(CancellationToken cancellationToken)
    {
        if (_node.SubkeyCount == 0)
        {
            return [];
        }

        if (_node.SubkeyCount > HiveLimits.MaxSubkeys)
        {
            throw new CorruptHiveException($"Key \"{Path}\" declares {_node.SubkeyCount} subkeys, above the reader's limit of {HiveLimits.MaxSubkeys}.");
        }

        return await SubkeyList.ReadAsync(_hive.Cells, _node.SubkeyListOffset, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<uint[]> ValueOffsetsAsync(CancellationToken cancellationToken)
    {
        if (_node.ValueCount == 0)
        {
            return [];
        }

        if (_node.ValueCount > HiveLimits.MaxValues)
        {
            throw new CorruptHiveException($"Key \"{Path}\" declares {_node.ValueCount} values, above the reader's limit of {HiveLimits.MaxValues}.");
        }

        var cell = await _hive.Cells.ReadCellAsync(_node.ValueListOffset, "value list", cancellationToken).ConfigureAwait(false);
        var count = (int)_node.ValueCount;
        if (cell.Length < count * 4)
        {
            throw new CorruptHiveException($"Key \"{Path}\" declares {count} values; its value list holds {cell.Length / 4}.");
        }

        var offsets = new uint[count];
        for (var i = 0; i < count; i++)
        {
            offsets[i] = BinaryPrimitives.ReadUInt32LittleEndian(cell.AsSpan(i * 4));
        }

        return offsets;
    }

    private async ValueTask<RegistryValue> LoadAsync(ValueNode node, CancellationToken cancellationToken)
    {
        var data = await ValueData.ReadAsync(_hive.Cells, node, _hive.BaseBlock.HasBigData, cancellationToken).ConfigureAwait(false);
        return new RegistryValue(node.Name, node.Kind, data);
    }

    private async ValueTask<RegistryKey> ChildAsync(uint offset, CancellationToken cancellationToken) =>
        Child(await KeyNode.ReadAsync(_hive.Cells, offset, cancellationToken).ConfigureAwait(false));

    /// <summary>A subkey, refused when it is this key or one of its ancestors (a loop in the key tree).</summary>
    private RegistryKey Child(KeyNode node)
    {
        for (var ancestor = this; ancestor is not null; ancestor = ancestor._parent)
        {
            if (ancestor._node.Offset == node.Offset)
            {
                throw new CorruptHiveException($"Key \"{Path}\" lists the key node at 0x{node.Offset:x} as a subkey, which is itself or an ancestor: the key tree has a loop.");
            }
        }

        if (Depth + 1 > HiveLimits.MaxPathDepth)
        {
            throw new CorruptHiveException($"Keys nest deeper than {HiveLimits.MaxPathDepth} levels below \"{Path}\".");
        }

        return new RegistryKey(_hive, node, this);
    }
}
