namespace Vmie.Api.Auth.SigV4;

/// <summary>What <see cref="SigV4Verifier"/> needs to know about one HTTP request.</summary>
/// <param name="Method">HTTP method as received (GET, PUT...).</param>
/// <param name="RawPath">The request path exactly as received on the wire, still percent-encoded, without the query.</param>
/// <param name="RawQuery">The raw query string as received, still percent-encoded, without the leading '?'
/// (one leading '?' is tolerated and ignored). Empty when there is none.</param>
/// <param name="Headers">All request headers; names are matched case-insensitively, and values given under names
/// that differ only by case are merged in order.</param>
/// <param name="PayloadHash">The payload hash to put in the canonical request: the hex SHA-256 of a small
/// buffered body (EC2 form posts), or the x-amz-content-sha256 header value (S3), which may also be
/// UNSIGNED-PAYLOAD or one of the STREAMING-* literals. Null when the caller has neither: a presigned s3
/// request then uses UNSIGNED-PAYLOAD; any other request fails as Malformed.</param>
public sealed record SigV4Request(
    string Method,
    string RawPath,
    string RawQuery,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    string? PayloadHash);
