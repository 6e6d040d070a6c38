namespace Vmie.Storage.Objects.Checksums;

/// <summary>The checksum algorithms S3 lets a client ask for, by the names used in x-amz-checksum-* headers.</summary>
public static class ChecksumAlgorithms
{
    public const string Crc32 = "CRC32";
    public const string Crc32C = "CRC32C";
    public const string Crc64Nvme = "CRC64NVME";
    public const string Sha1 = "SHA1";
    public const string Sha256 = "SHA256";

    public static IReadOnlyList<string> All { get; } = [Crc32, Crc32C, Crc64Nvme, Sha1, Sha256];

    /// <summary>The canonical upper-case name of <paramref name="name"/>, or null when it is not a known algorithm.</summary>
    public static string? Canonical(string? name)
    {
        if (name is null)
        {
            return null;
        }

        foreach (var algorithm in All)
        {
            if (string.Equals(algorithm, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return algorithm;
            }
        }

        return null;
    }

    /// <summary>CRCs can be combined across parts into a full-object value; digests cannot.</summary>
    public static bool IsCrc(string algorithm) => algorithm is Crc32 or Crc32C or Crc64Nvme;

    /// <summary>Length of the raw (not base64) checksum value.</summary>
    public static int ByteLength(string algorithm) => algorithm switch
    {
        Crc32 or Crc32C => 4,
        Crc64Nvme => 8,
        Sha1 => 20,
        Sha256 => 32,
        _ => throw new ArgumentException($"Unknown checksum algorithm '{algorithm}'.", nameof(algorithm)),
    };

    /// <summary>The response/request header that carries this algorithm's value, e.g. x-amz-checksum-crc32c.</summary>
    public static string HeaderName(string algorithm) => "x-amz-checksum-" + algorithm.ToLowerInvariant();
}
