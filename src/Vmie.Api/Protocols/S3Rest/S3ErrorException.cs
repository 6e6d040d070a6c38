namespace Vmie.Api.Protocols.S3Rest;

/// <summary>A request the S3 endpoint refuses, answered with S3's error document and status.</summary>
public sealed class S3ErrorException : Exception
{
    public S3ErrorException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; }

    public static S3ErrorException InvalidArgument(string message) => new("InvalidArgument", message);

    public static S3ErrorException InvalidRequest(string message) => new("InvalidRequest", message);

    public static S3ErrorException MalformedXml(string? detail = null) =>
        new("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema" + (detail is null ? "." : $": {detail}"));

    public static S3ErrorException NotImplemented(string what) =>
        new("NotImplemented", $"A header or query you provided implies functionality that is not implemented: {what}");
}
