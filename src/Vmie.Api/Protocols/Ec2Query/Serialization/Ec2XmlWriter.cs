using System.Collections;
using System.Text;
using System.Xml;
using Vmie.Api.Protocols.Ec2Query.Mapping;

namespace Vmie.Api.Protocols.Ec2Query.Serialization;

/// <summary>
/// Writes EC2 Query responses by walking the output shape: element names are the members'
/// locationNames, lists are wrapped with one entry element per item, null members are left out.
/// Errors use the &lt;Response&gt;&lt;Errors&gt; envelope with &lt;RequestID&gt;.
/// </summary>
internal sealed class Ec2XmlWriter(string xmlNamespace)
{
    public const string ContentType = "text/xml;charset=UTF-8";

    // XmlWriter would spell the declaration "utf-8"; AWS sends exactly this line.
    private static readonly byte[] Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"u8.ToArray();

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        CloseOutput = false,
        ConformanceLevel = ConformanceLevel.Document,

        // Keeps a carriage return in a value instead of letting parsers fold it away.
        NewLineHandling = NewLineHandling.Entitize,
    };

    public string XmlNamespace { get; } = xmlNamespace;

    /// <summary>
    /// Writes &lt;{action}Response&gt; with &lt;requestId&gt; and the result's members; an operation
    /// without an output shape (<paramref name="output"/> null) answers &lt;return&gt;true&lt;/return&gt;.
    /// </summary>
    public void WriteResult(Stream destination, string action, string requestId, StructureMapping? output, object? result)
    {
        destination.Write(Declaration);
        using var xml = XmlWriter.Create(destination, Settings);
        xml.WriteStartElement(action + "Response", XmlNamespace);
        WriteTextElement(xml, "requestId", requestId);
        if (output is null)
        {
            WriteTextElement(xml, "return", "true");
        }
        else
        {
            WriteMembers(xml, output, result ?? throw new InvalidOperationException($"The {action} handler returned no result."));
        }

        xml.WriteEndElement();
    }

    public void WriteError(Stream destination, string code, string message, string requestId)
    {
        destination.Write(Declaration);
        using var xml = XmlWriter.Create(destination, Settings);
        xml.WriteStartElement("Response");
        xml.WriteStartElement("Errors");
        xml.WriteStartElement("Error");
        WriteTextElement(xml, "Code", code);
        WriteTextElement(xml, "Message", message);
        xml.WriteEndElement();
        xml.WriteEndElement();
        WriteTextElement(xml, "RequestID", requestId);
        xml.WriteEndElement();
    }

    private static void WriteMembers(XmlWriter xml, StructureMapping mapping, object value)
    {
        foreach (var member in mapping.Members)
        {
            if (member.Get(value) is { } memberValue)
            {
                WriteValue(xml, member.Member.ElementName, member.Value, memberValue);
            }
        }
    }

    private static void WriteValue(XmlWriter xml, string elementName, ShapeMapping mapping, object value)
    {
        switch (mapping)
        {
            case ScalarMapping scalar:
                WriteTextElement(xml, elementName, scalar.Format(value));
                break;
            case ListMapping list:
                xml.WriteStartElement(elementName);
                foreach (var entry in (IEnumerable)value)
                {
                    WriteValue(
                        xml,
                        list.Shape.ListEntryName,
                        list.Element,
                        entry ?? throw new InvalidOperationException($"A {list.Shape.Name} in the result holds a null entry."));
                }

                xml.WriteEndElement();
                break;
            case StructureMapping structure:
                xml.WriteStartElement(elementName);
                WriteMembers(xml, structure, value);
                xml.WriteEndElement();
                break;
            default:
                throw new InvalidOperationException($"Unknown mapping {mapping.GetType().Name}.");
        }
    }

    private static void WriteTextElement(XmlWriter xml, string elementName, string text)
    {
        xml.WriteStartElement(elementName);
        xml.WriteString(ReplaceInvalidXmlCharacters(text));
        xml.WriteEndElement();
    }

    // Control characters and lone surrogates cannot appear in XML 1.0 even escaped; a value holding
    // one (a user's description, an echoed parameter) must still give a response clients can parse.
    private static string ReplaceInvalidXmlCharacters(string text)
    {
        var firstInvalid = FindInvalid(text, 0);
        if (firstInvalid < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var start = 0;
        for (var invalid = firstInvalid; invalid >= 0; invalid = FindInvalid(text, start))
        {
            builder.Append(text, start, invalid - start).Append('\uFFFD');
            start = invalid + 1;
        }

        return builder.Append(text, start, text.Length - start).ToString();
    }

    private static int FindInvalid(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (XmlConvert.IsXmlChar(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }
}
