namespace Vmie.Storage.Checksums;

/// <summary>
/// One of the additional checksums S3 accepts (x-amz-checksum-*, x-amz-sdk-checksum-algorithm,
/// ChecksumAlgorithm in the API): CRC32, CRC32C, CRC64NVME, SHA1, SHA256. Values travel as base64 of the
/// big-endian digest. Create a <see cref="ChecksumCalculator"/> to compute one incrementally.
/// </summary>
public sealed class ChecksumAlgorithm
{
    private ChecksumAlgorithm(string name, int digestLength, ulong? reflectedCrcPolynomial = null)
    {
        Name = name;
        DigestLength = digestLength;
        HeaderName = "x-amz-checksum-" + name.ToLowerInvariant();
        ReflectedCrcPolynomial = reflectedCrcPolynomial;
    }

    /// <summary>The IEEE CRC-32 (reflected polynomial 0xEDB88320), System.IO.Hashing's Crc32.</summary>
    public static ChecksumAlgorithm Crc32 { get; } = new("CRC32", 4, 0xEDB88320UL);

    public static ChecksumAlgorithm Crc32C { get; } = new("CRC32C", 4, Checksums.Crc32C.ReflectedPolynomial);

    public static ChecksumAlgorithm Crc64Nvme { get; } = new("CRC64NVME", 8, Checksums.Crc64Nvme.ReflectedPolynomial);

    public static ChecksumAlgorithm Sha1 { get; } = new("SHA1", 20);

    public static ChecksumAlgorithm Sha256 { get; } = new("SHA256", 32);

    public static IReadOnlyList<ChecksumAlgorithm> All { get; } = [Crc32, Crc32C, Crc64Nvme, Sha1, Sha256];

    /// <summary>The canonical upper-case name S3 uses in its API and messages, e.g. "CRC64NVME".</summary>
    public string Name { get; }

    /// <summary>The lower-case header (and trailer) that carries the value, e.g. "x-amz-checksum-crc32".</summary>
    public string HeaderName { get; }

    /// <summary>Length in bytes of the raw digest (before base64).</summary>
    public int DigestLength { get; }

    /// <summary>
    /// True for the CRCs: the values of consecutive parts combine into the value of the whole (FULL_OBJECT
    /// multipart checksums, see <see cref="CrcCombination"/>); the SHA digests do not.
    /// </summary>
    public bool IsCrc => ReflectedCrcPolynomial is not null;

    /// <summary>A CRC's generator polynomial in reflected (LSB-first) form; null for the digests.</summary>
    internal ulong? ReflectedCrcPolynomial { get; }

    /// <summary>Finds an algorithm by its S3 name ("crc32c", "SHA256"...), ignoring case and surrounding spaces.</summary>
    public static ChecksumAlgorithm? FromName(string? name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds an algorithm by its header name ("x-amz-checksum-crc32"...), ignoring case and surrounding spaces.</summary>
    public static ChecksumAlgorithm? FromHeaderName(string? headerName) =>
        All.FirstOrDefault(a => string.Equals(a.HeaderName, headerName?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Like <see cref="FromName"/>, for names validated earlier (stored checksums, parsed headers): an unknown
    /// name is a bug and throws.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a checksum algorithm.</exception>
    public static ChecksumAlgorithm Parse(string name) =>
        FromName(name) ?? throw new ArgumentException($"Unknown checksum algorithm '{name}'.", nameof(name));

    public ChecksumCalculator CreateCalculator() => new(this);

    /// <summary>The raw digest of a buffer (CRCs big-endian, as S3 encodes them).</summary>
    public byte[] Compute(ReadOnlySpan<byte> data)
    {
        using var calculator = CreateCalculator();
        calculator.Append(data);
        return calculator.GetDigest();
    }

    /// <summary>The base64 checksum of a buffer, as S3 puts it in x-amz-checksum-*.</summary>
    public string ComputeBase64(ReadOnlySpan<byte> data) => Convert.ToBase64String(Compute(data));

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
