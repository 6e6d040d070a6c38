namespace Vmie.Api.Protocols.S3Rest;

/// <summary>How the S3 REST endpoint is reached.</summary>
public sealed class S3RestOptions
{
    /// <summary>
    /// Host names (without port) under which virtual-hosted-style requests arrive: a request to
    /// "bucket.&lt;base&gt;" addresses "bucket". Requests to a base name itself, to an IP address or to any other
    /// host are path-style ("/bucket/key").
    /// </summary>
    public IReadOnlyList<string> BaseHostNames { get; init; } = ["localhost", "s3.localhost"];

    /// <summary>Upper bound on XML request bodies (CompleteMultipartUpload, DeleteObjects, CreateBucket).</summary>
    public int MaxXmlRequestBytes { get; init; } = 8 * 1024 * 1024;
}
