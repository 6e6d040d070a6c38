using System.Text;

namespace Vmie.Guest.Linux;

/// <summary>
/// Splits GRUB 2 script (grub.cfg) into commands of words, with GRUB's quoting: '...' literal, "..." with
/// \ escapes, \ outside quotes escaping one character; unquoted ';' and newlines end a command; '#' at the
/// start of a word starts a comment. Variables are not expanded: "${saved_entry}" stays as text.
/// </summary>
public static class GrubScriptTokenizer
{
    /// <summary>A command: its words, whether each was quoted, and the line it starts on.</summary>
    public sealed record Command(IReadOnlyList<string> Words, IReadOnlyList<bool> Quoted, int Line, string Text);

    public static IEnumerable<Command> Tokenize(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var lines = script.Split('\n');
        var words = new List<string>();
        var quoted = new List<bool>();
        var word = new StringBuilder();
        var wordStarted = false;
        var wordQuoted = false;
        var commandLine = 1;
        for (var lineIndex = 0; lineIndex < lines.Length; lineIndex++)
        {
            var line = lines[lineIndex].TrimEnd('\r');
            var i = 0;
            while (i < line.Length)
            {
                var c = line[i];
                if (c == '\'' || c == '"')
                {
                    var close = i + 1;
                    while (close < line.Length && line[close] != c)
                    {
                        if (c == '"' && line[close] == '\\' && close + 1 < line.Length)
                        {
                            close++;
                        }

                        word.Append(line[close]);
                        close++;
                    }

                    wordStarted = true;
                    wordQuoted = true;
                    i = close + 1;
                }
                else if (c == '\\' && i + 1 < line.Length)
                {
                    word.Append(line[i + 1]);
                    wordStarted = true;
                    i += 2;
                }
                else if (c == '\\')
                {
                    // A line continuation: the command goes on with the next line.
                    i++;
                }
                else if (c is ' ' or '\t')
                {
                    EndWord();
                    i++;
                }
                else if (c == ';')
                {
                    EndWord();
                    if (EndCommand(lineIndex) is { } command)
                    {
                        yield return command;
                    }

                    i++;
                }
                else if (c == '#' && !wordStarted)
                {
                    break;
                }
                else
                {
                    word.Append(c);
                    wordStarted = true;
                    i++;
                }
            }

            EndWord();
            if (line.EndsWith('\\') && !line.EndsWith("\\\\", StringComparison.Ordinal))
            {
                continue;
            }

            if (EndCommand(lineIndex) is { } lineCommand)
            {
                yield return lineCommand;
            }

            commandLine = lineIndex + 2;
        }

        if (EndCommand(lines.Length - 1) is { } last)
        {
            yield return last;
        }

        void EndWord()
        {
            if (wordStarted)
            {
                words.Add(word.ToString());
                quoted.Add(wordQuoted);
            }

            word.Clear();
            wordStarted = false;
            wordQuoted = false;
        }

        Command? EndCommand(int lineIndex)
        {
            if (words.Count == 0)
            {
                commandLine = lineIndex + 1;
                return null;
            }

            var command = new Command([.. words], [.. quoted], commandLine, lines[commandLine - 1].TrimEnd('\r').Trim());
            words.Clear();
            quoted.Clear();
            commandLine = lineIndex + 1;
            return command;
        }
    }
}
