using System.Globalization;
using System.Text;

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// Parses LVM2's metadata text (the "Text Format Volume Group"): assignments <c>key = value</c>, nested sections
/// <c>name { ... }</c>, double-quoted strings with backslash escapes, integers, lists <c>[a, b]</c> and
/// <c>#</c> comments. Depth, list length and section count are capped: hostile text fails fast.
/// </summary>
internal sealed class LvmConfigParser
{
    public const int MaxDepth = 16;
    public const int MaxItems = 1_000_000;
    private readonly string _text;
    private int _position;
    private int _items;

    private LvmConfigParser(string text) => _text = text;

    public static LvmConfigSection Parse(string text)
    {
        var parser = new LvmConfigParser(text);
        var root = new LvmConfigSection();
        parser.ParseBody(root, 0, topLevel: true);
        return root;
    }

    private void ParseBody(LvmConfigSection section, int depth, bool topLevel)
    {
        while (true)
        {
            SkipSpaceAndComments();
            if (_position >= _text.Length)
            {
                if (!topLevel)
                {
                    throw Error("a section is not closed");
                }

                return;
            }

            if (_text[_position] == '}')
            {
                if (topLevel)
                {
                    throw Error("'}' without a section");
                }

                _position++;
                return;
            }

            var name = ReadIdentifier();
            Count();
            SkipSpaceAndComments();
            if (_position >= _text.Length)
            {
                throw Error($"'{name}' is followed by nothing");
            }

            if (_text[_position] == '{')
            {
                if (depth + 1 > MaxDepth)
                {
                    throw Error($"sections nest deeper than {MaxDepth}");
                }

                _position++;
                var child = new LvmConfigSection();
                ParseBody(child, depth + 1, topLevel: false);
                section.AddSection(name, child);
            }
            else if (_text[_position] == '=')
            {
                _position++;
                section.SetValue(name, ParseValue(allowList: true));
            }
            else
            {
                throw Error($"'{name}' is followed by '{_text[_position]}' instead of '=' or '{{'");
            }
        }
    }

    private object ParseValue(bool allowList)
    {
        SkipSpaceAndComments();
        if (_position >= _text.Length)
        {
            throw Error("a value is missing");
        }

        var c = _text[_position];
        if (c == '"')
        {
            return ReadString();
        }

        if (c == '[' && allowList)
        {
            _position++;
            var items = new List<object>();
            SkipSpaceAndComments();
            if (_position < _text.Length && _text[_position] == ']')
            {
                _position++;
                return items;
            }

            while (true)
            {
                Count();
                items.Add(ParseValue(allowList: false));
                SkipSpaceAndComments();
                if (_position >= _text.Length)
                {
                    throw Error("a list is not closed");
                }

                if (_text[_position] == ']')
                {
                    _position++;
                    return items;
                }

                if (_text[_position] != ',')
                {
                    throw Error($"'{_text[_position]}' in a list");
                }

                _position++;
            }
        }

        if (c == '-' || char.IsAsciiDigit(c))
        {
            var start = _position++;
            while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] == '.'))
            {
                _position++;
            }

            var token = _text[start.._position];
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            // Floating-point values exist in the format but nothing vmie reads uses them.
            return token;
        }

        throw Error($"unexpected '{c}'");
    }

    private string ReadString()
    {
        _position++;
        var builder = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c == '\\' && _position < _text.Length)
            {
                c = _text[_position++];
            }

            builder.Append(c);
        }

        throw Error("a string is not closed");
    }

    private string ReadIdentifier()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '_' or '.' or '+' or '-'))
        {
            _position++;
        }

        if (start == _position)
        {
            throw Error($"unexpected '{_text[_position]}' where a name should be");
        }

        return _text[start.._position];
    }

    private void SkipSpaceAndComments()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '#')
            {
                var end = _text.IndexOf('\n', _position);
                _position = end < 0 ? _text.Length : end + 1;
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else
            {
                return;
            }
        }
    }

    private void Count()
    {
        if (++_items > MaxItems)
        {
            throw Error($"more than {MaxItems} items");
        }
    }

    private CorruptVolumeException Error(string what)
    {
        var line = 1 + _text.AsSpan(0, Math.Min(_position, _text.Length)).Count('\n');
        return new CorruptVolumeException($"The LVM2 metadata text is malformed at line {line}: {what}.");
    }
}
