using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>S3's XML: responses in the 2006-03-01 namespace, and bounded, DTD-free parsing of request bodies.</summary>
internal static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        // Keys may hold characters XML 1.0 cannot carry; they are written as character references
        // instead of failing the whole listing. Clients that care ask for encoding-type=url.
        CheckCharacters = false,
    };

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>ISO 8601 with milliseconds, as S3 writes timestamps in XML.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 1123, as in Last-Modified.</summary>
    public static string HttpDate(DateTimeOffset value) => value.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes a document whose root element is <paramref name="rootName"/> in S3's namespace. Documents are
    /// bounded (at most 1000 entries), so they are built in memory to send an exact Content-Length.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, int status, string rootName, Action<XmlWriter> writeContent, string? rootNamespace = Namespace)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(rootName, rootNamespace);
            writeContent(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), response.HttpContext.RequestAborted);
    }

    /// <summary>Reads the whole request body, refusing more than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Parses a request document; null for an empty body.</summary>
    public static XElement? Parse(byte[] body)
    {
        if (body.Length == 0 || body.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return null;
        }

        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), ReaderSettings);
            return XDocument.Load(reader).Root;
        }
        catch (XmlException exception)
        {
            throw S3ErrorException.MalformedXml(exception.Message);
        }
    }

    /// <summary>Children with the given local name, whatever namespace the client used (clients differ).</summary>
    public static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);

    public static string? ChildValue(XElement parent, string localName) => Children(parent, localName).FirstOrDefault()?.Value;

    private static S3ErrorException TooLarge(int maxBytes) =>
        new("MaxMessageLengthExceeded", $"Your request was too big: XML request bodies are limited to {maxBytes} bytes.");
}
