using System.Text;

namespace Vmie.Guest.Linux;

/// <summary>
/// A file of shell-style KEY=value lines: os-release(5), lsb-release, grubenv-like files. Values follow the
/// os-release quoting rules: double quotes allow \" \\ \$ \` escapes, single quotes are literal, an unquoted
/// value may use backslash escapes. Lines that are not assignments (comments, blank, other) are ignored.
/// </summary>
public sealed class ShellAssignmentFile
{
    private readonly Dictionary<string, (string Value, int Line, string Text)> _values = new(StringComparer.Ordinal);

    private ShellAssignmentFile(string path) => Path = path;

    public string Path { get; }

    public static ShellAssignmentFile Parse(string path, string content)
    {
        var file = new ShellAssignmentFile(path);
        var lineNumber = 0;
        foreach (var rawLine in content.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !IsName(line.AsSpan(0, equals)))
            {
                continue;
            }

            var value = Unquote(line[(equals + 1)..]);
            if (value is not null)
            {
                // Later assignments win, as a shell sourcing the file would have it.
                file._values[line[..equals]] = (value, lineNumber, rawLine.TrimEnd('\r'));
            }
        }

        return file;
    }

    public string? this[string key] => _values.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>The value with the line it came from, or null when the key is absent or empty.</summary>
    public LinuxEvidence? EvidenceFor(string key) =>
        _values.TryGetValue(key, out var entry) ? new LinuxEvidence(Path, entry.Line, entry.Text) : null;

    private static bool IsName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return !char.IsAsciiDigit(name[0]);
    }

    /// <summary>The shell value of <paramref name="text"/>, or null when its quoting is broken.</summary>
    private static string? Unquote(string text)
    {
        var value = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                var close = i + 1;
                while (close < text.Length && text[close] != '"')
                {
                    if (text[close] == '\\' && close + 1 < text.Length && "\"\\$`".Contains(text[close + 1], StringComparison.Ordinal))
                    {
                        value.Append(text[close + 1]);
                        close += 2;
                        continue;
                    }

                    value.Append(text[close]);
                    close++;
                }

                if (close >= text.Length)
                {
                    return null;
                }

                i = close + 1;
            }
            else if (c == '\'')
            {
                var close = text.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    return null;
                }

                value.Append(text, i + 1, close - i - 1);
                i = close + 1;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                value.Append(text[i + 1]);
                i += 2;
            }
            else if (char.IsWhiteSpace(c))
            {
                // An unquoted blank ends the value; anything after it (a trailing comment) is not part of it.
                break;
            }
            else
            {
                value.Append(c);
                i++;
            }
        }

        return value.ToString();
    }
}
