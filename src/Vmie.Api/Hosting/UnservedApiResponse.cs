using System.Xml;
using Microsoft.AspNetCore.Http;

namespace Vmie.Api.Hosting;

/// <summary>
/// The answer to a request signed for a service vmie does not serve (yet): the AWS Query protocol's
/// error shape, which the IAM and STS clients parse, with a message naming the service.
/// </summary>
internal static class UnservedApiResponse
{
    public static async Task WriteAsync(HttpContext context, string service)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Async = false, Indent = false }))
        {
            xml.WriteStartElement("ErrorResponse");
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", "Sender");
            xml.WriteElementString("Code", "InvalidAction");
            xml.WriteElementString("Message", $"vmie does not serve the '{service}' API.");
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", context.TraceIdentifier);
            xml.WriteEndElement();
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/xml";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }
}
