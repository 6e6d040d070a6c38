namespace Vmie.Api.Auth.Payload;

/// <summary>
/// One of the additional checksums S3 accepts (x-amz-checksum-*, x-amz-sdk-checksum-algorithm,
/// ChecksumAlgorithm in the API): CRC32, CRC32C, CRC64NVME, SHA1, SHA256. Values travel as base64 of the
/// big-endian digest. Create a <see cref="ChecksumCalculator"/> to compute one incrementally.
/// </summary>
public sealed class ChecksumAlgorithm
{
    private ChecksumAlgorithm(string name, int digestLength)
    {
        Name = name;
        DigestLength = digestLength;
        HeaderName = "x-amz-checksum-" + name.ToLowerInvariant();
    }

    public static ChecksumAlgorithm Crc32 { get; } = new("CRC32", 4);

    public static ChecksumAlgorithm Crc32C { get; } = new("CRC32C", 4);

    public static ChecksumAlgorithm Crc64Nvme { get; } = new("CRC64NVME", 8);

    public static ChecksumAlgorithm Sha1 { get; } = new("SHA1", 20);

    public static ChecksumAlgorithm Sha256 { get; } = new("SHA256", 32);

    public static IReadOnlyList<ChecksumAlgorithm> All { get; } = [Crc32, Crc32C, Crc64Nvme, Sha1, Sha256];

    /// <summary>The name S3 uses in its API and messages, e.g. "CRC64NVME".</summary>
    public string Name { get; }

    /// <summary>The lower-case header (and trailer) that carries the value, e.g. "x-amz-checksum-crc32".</summary>
    public string HeaderName { get; }

    /// <summary>Length in bytes of the raw digest (before base64).</summary>
    public int DigestLength { get; }

    /// <summary>Finds an algorithm by its S3 name ("crc32c", "SHA256"...), ignoring case.</summary>
    public static ChecksumAlgorithm? FromName(string? name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds an algorithm by its header name ("x-amz-checksum-crc32"...), ignoring case.</summary>
    public static ChecksumAlgorithm? FromHeaderName(string? headerName) =>
        All.FirstOrDefault(a => string.Equals(a.HeaderName, headerName?.Trim(), StringComparison.OrdinalIgnoreCase));

    public ChecksumCalculator CreateCalculator() => new(this);

    /// <summary>The base64 checksum of a buffer, as S3 puts it in x-amz-checksum-*.</summary>
    public string ComputeBase64(ReadOnlySpan<byte> data)
    {
        using var calculator = CreateCalculator();
        calculator.Append(data);
        return calculator.GetBase64Digest();
    }

    /// <summary>True when <paramref name="value"/> is base64 of exactly <see cref="DigestLength"/> bytes.</summary>
    public bool IsWellFormedBase64(string? value)
    {
        if (value is null || value.Length != ((DigestLength + 2) / 3) * 4)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[DigestLength + 3];
        return Convert.TryFromBase64String(value, decoded, out var written) && written == DigestLength;
    }

    public override string ToString() => Name;
}
