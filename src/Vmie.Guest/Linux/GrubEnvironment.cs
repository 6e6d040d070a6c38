namespace Vmie.Guest.Linux;

/// <summary>
/// A GRUB environment block (grubenv): a 1024-byte file of "name=value" lines after a
/// "# GRUB Environment Block" comment, padded with '#'. GRUB stores values unquoted, escaping only \ and newline.
/// </summary>
public sealed class GrubEnvironment
{
    private readonly Dictionary<string, string> _values;

    private GrubEnvironment(string path, Dictionary<string, string> values)
    {
        Path = path;
        _values = values;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? SavedEntry => _values.TryGetValue("saved_entry", out var value) && value.Length > 0 ? value : null;

    public static GrubEnvironment Parse(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals]] = line[(equals + 1)..].Replace("\\\\", "\\", StringComparison.Ordinal);
            }
        }

        return new GrubEnvironment(path, values);
    }
}
