using System.Globalization;
using Vmie.Api.Auth.SigV4;
using Vmie.Storage.Checksums;

namespace Vmie.Api.Auth.Payload;

/// <summary>How to decode and verify one aws-chunked body.</summary>
public sealed record AwsChunkedSettings
{
    public required AwsChunkedMode Mode { get; init; }

    /// <summary>Required for the signed modes: the key, timestamp, scope and seed signature of the request.</summary>
    public StreamingSignatureSeed? Seed { get; init; }

    /// <summary>The checksum the x-amz-trailer header announces, verified against the decoded bytes.</summary>
    public ChecksumAlgorithm? TrailingChecksum { get; init; }

    /// <summary>x-amz-decoded-content-length when sent: the decoded body must have exactly this length.</summary>
    public long? DecodedContentLength { get; init; }

    /// <summary>
    /// Settings from the request headers and its verified signature.
    /// </summary>
    /// <param name="contentSha256">x-amz-content-sha256 (one of the three STREAMING-* values).</param>
    /// <param name="trailerHeader">x-amz-trailer, if any.</param>
    /// <param name="decodedContentLength">x-amz-decoded-content-length, if any.</param>
    /// <param name="verified">The verified request (its seed is used by the signed modes).</param>
    /// <exception cref="PayloadIntegrityException">InvalidRequest / InvalidArgument when a header is unusable.</exception>
    public static AwsChunkedSettings FromHeaders(string contentSha256, string? trailerHeader, string? decodedContentLength, SigV4VerifiedRequest? verified)
    {
        if (!AwsChunkedModes.TryParse(contentSha256, out var mode))
        {
            throw new PayloadIntegrityException("InvalidArgument", $"x-amz-content-sha256 \"{contentSha256}\" does not announce an aws-chunked body.");
        }

        if (mode.IsSigned() && verified is null)
        {
            throw new PayloadIntegrityException("InvalidRequest", $"{contentSha256} requires a request signed with AWS4-HMAC-SHA256.");
        }

        ChecksumAlgorithm? checksum = null;
        if (!string.IsNullOrWhiteSpace(trailerHeader))
        {
            var names = trailerHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.Length != 1)
            {
                throw new PayloadIntegrityException("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            checksum = ChecksumAlgorithm.FromHeaderName(names[0])
                ?? throw new PayloadIntegrityException("InvalidRequest", $"The value specified in the x-amz-trailer header is not supported: {names[0]}");
            if (!mode.HasTrailer())
            {
                throw new PayloadIntegrityException("InvalidRequest", $"x-amz-trailer is not allowed with {contentSha256}.");
            }
        }

        long? decodedLength = null;
        if (decodedContentLength is not null)
        {
            if (!long.TryParse(decodedContentLength.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new PayloadIntegrityException("InvalidArgument", $"x-amz-decoded-content-length \"{decodedContentLength}\" is not a valid length.");
            }

            decodedLength = parsed;
        }

        return new AwsChunkedSettings
        {
            Mode = mode,
            Seed = mode.IsSigned() ? verified!.StreamingSeed : null,
            TrailingChecksum = checksum,
            DecodedContentLength = decodedLength,
        };
    }
}
