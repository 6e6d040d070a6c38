using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>A registry key to be written by <see cref="HiveWriter"/>: a name, subkeys, values and an optional class name.</summary>
internal sealed class HiveKey(string name)
{
    public string Name { get; } = name;

    public List<HiveKey> Subkeys { get; } = [];

    public List<HiveValue> Values { get; } = [];

    public string? ClassName { get; set; }

    /// <summary>The key at a '\'-separated path below this one, created as needed (names compare case-insensitively).</summary>
    public HiveKey Key(string path)
    {
        var key = this;
        foreach (var part in path.Split('\\', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = key.Subkeys.Find(k => string.Equals(k.Name, part, StringComparison.OrdinalIgnoreCase));
            if (next is null)
            {
                next = new HiveKey(part);
                key.Subkeys.Add(next);
            }

            key = next;
        }

        return key;
    }

    public HiveKey Value(string name, uint type, byte[] data)
    {
        Values.Add(new HiveValue(name, type, data));
        return this;
    }

    public HiveKey String(string name, string value) => Value(name, 1, Utf16Z(value));

    public HiveKey ExpandString(string name, string value) => Value(name, 2, Utf16Z(value));

    public HiveKey Binary(string name, byte[] value) => Value(name, 3, value);

    public HiveKey DWord(string name, uint value)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        return Value(name, 4, data);
    }

    public HiveKey DWordBigEndian(string name, uint value)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(data, value);
        return Value(name, 5, data);
    }

    public HiveKey MultiString(string name, params string[] values) =>
        Value(name, 7, Encoding.Unicode.GetBytes(string.Concat(values.Select(v => v + "\0")) + "\0"));

    public HiveKey QWord(string name, ulong value)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, value);
        return Value(name, 11, data);
    }

    private static byte[] Utf16Z(string value) => Encoding.Unicode.GetBytes(value + "\0");
}

/// <summary>A value to be written: name (empty for the default value), on-disk type number and raw data.</summary>
internal sealed record HiveValue(string Name, uint Type, byte[] Data);
