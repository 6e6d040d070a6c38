using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Windows.Registry;

/// <summary>A registry value with its data loaded, and typed views of that data.</summary>
public sealed class RegistryValue
{
    private readonly byte[] _data;

    internal RegistryValue(string name, RegistryValueKind kind, byte[] data)
    {
        Name = name;
        Kind = kind;
        _data = data;
    }

    /// <summary>The value's name; empty for the key's default value.</summary>
    public string Name { get; }

    public RegistryValueKind Kind { get; }

    /// <summary>The raw data as stored.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    public bool IsString => Kind is RegistryValueKind.String or RegistryValueKind.ExpandString or RegistryValueKind.Link;

    public bool IsNumber => Kind is RegistryValueKind.DWord or RegistryValueKind.DWordBigEndian or RegistryValueKind.QWord;

    /// <summary>
    /// The data as its type says: a string (REG_SZ, REG_EXPAND_SZ, REG_LINK), a string list (REG_MULTI_SZ),
    /// a uint (REG_DWORD either endianness), a ulong (REG_QWORD) or the bytes (every other type).
    /// </summary>
    public object Value => Kind switch
    {
        RegistryValueKind.String or RegistryValueKind.ExpandString or RegistryValueKind.Link => AsString(),
        RegistryValueKind.MultiString => AsStrings(),
        RegistryValueKind.DWord or RegistryValueKind.DWordBigEndian => AsUInt32(),
        RegistryValueKind.QWord => AsUInt64(),
        _ => AsBytes(),
    };

    /// <summary>
    /// The UTF-16LE string, up to its first NUL. Windows does not enforce the terminator, so a missing one
    /// is fine; an odd trailing byte is dropped as Windows' own readers do.
    /// </summary>
    public string AsString()
    {
        RequireKind(IsString, "a string");
        var text = Utf16(_data);
        var end = text.IndexOf('\0', StringComparison.Ordinal);
        return end >= 0 ? text[..end] : text;
    }

    /// <summary>The strings of a REG_MULTI_SZ, which ends at an empty string (or the end of the data).</summary>
    public IReadOnlyList<string> AsStrings()
    {
        RequireKind(Kind == RegistryValueKind.MultiString, "a string list");
        var strings = new List<string>();
        foreach (var part in Utf16(_data).Split('\0'))
        {
            if (part.Length == 0)
            {
                break;
            }

            strings.Add(part);
        }

        return strings;
    }

    /// <summary>A REG_DWORD (little-endian) or REG_DWORD_BIG_ENDIAN.</summary>
    public uint AsUInt32()
    {
        RequireKind(Kind is RegistryValueKind.DWord or RegistryValueKind.DWordBigEndian, "a 32-bit number");
        if (_data.Length != 4)
        {
            throw new CorruptHiveException($"The value \"{Name}\" is a {Kind} of {_data.Length} bytes instead of 4.");
        }

        return Kind == RegistryValueKind.DWord ? BinaryPrimitives.ReadUInt32LittleEndian(_data) : BinaryPrimitives.ReadUInt32BigEndian(_data);
    }

    /// <summary>A REG_QWORD, or a REG_DWORD widened.</summary>
    public ulong AsUInt64()
    {
        if (Kind != RegistryValueKind.QWord)
        {
            return AsUInt32();
        }

        if (_data.Length != 8)
        {
            throw new CorruptHiveException($"The value \"{Name}\" is a {Kind} of {_data.Length} bytes instead of 8.");
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(_data);
    }

    /// <summary>A copy of the raw data, whatever the type.</summary>
    public byte[] AsBytes() => (byte[])_data.Clone();

    public override string ToString() => $"{(Name.Length == 0 ? "(default)" : Name)} ({Kind})";

    private static string Utf16(byte[] data) => Encoding.Unicode.GetString(data.AsSpan(0, data.Length & ~1));

    private void RequireKind(bool matches, string wanted)
    {
        if (!matches)
        {
            throw new InvalidOperationException($"The value \"{Name}\" is {Kind}, not {wanted}.");
        }
    }
}
