using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Vmie.Storage.Checksums;

/// <summary>
/// Computes one <see cref="ChecksumAlgorithm"/> incrementally over a stream of bytes. The digest is produced
/// in the byte order S3 uses (big-endian for the CRCs), so its base64 compares directly with an
/// x-amz-checksum-* value.
/// </summary>
public sealed class ChecksumCalculator : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _hash;

    internal ChecksumCalculator(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        if (algorithm == ChecksumAlgorithm.Crc32)
        {
            _crc = new Crc32();
        }
        else if (algorithm == ChecksumAlgorithm.Crc32C)
        {
            _crc = new Crc32C();
        }
        else if (algorithm == ChecksumAlgorithm.Crc64Nvme)
        {
            _crc = new Crc64Nvme();
        }
        else if (algorithm == ChecksumAlgorithm.Sha1)
        {
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        }
        else if (algorithm == ChecksumAlgorithm.Sha256)
        {
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
        else
        {
            throw new ArgumentException($"Unsupported checksum algorithm {algorithm}.", nameof(algorithm));
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null)
        {
            _crc.Append(data);
        }
        else
        {
            _hash!.AppendData(data);
        }
    }

    /// <summary>Writes the digest of everything appended so far; does not reset.</summary>
    /// <returns>The number of bytes written (<see cref="ChecksumAlgorithm.DigestLength"/>).</returns>
    public int GetDigest(Span<byte> destination)
    {
        if (destination.Length < Algorithm.DigestLength)
        {
            throw new ArgumentException("Destination too small for the digest.", nameof(destination));
        }

        switch (_crc)
        {
            // System.IO.Hashing's Crc32 emits little-endian bytes; S3 wants the big-endian value.
            case Crc32 crc32:
                BinaryPrimitives.WriteUInt32BigEndian(destination, crc32.GetCurrentHashAsUInt32());
                return 4;
            case Crc32C crc32C:
                BinaryPrimitives.WriteUInt32BigEndian(destination, crc32C.GetCurrentHashAsUInt32());
                return 4;
            case Crc64Nvme crc64:
                BinaryPrimitives.WriteUInt64BigEndian(destination, crc64.GetCurrentHashAsUInt64());
                return 8;
            default:
                return _hash!.GetCurrentHash(destination);
        }
    }

    public byte[] GetDigest()
    {
        var digest = new byte[Algorithm.DigestLength];
        GetDigest(digest);
        return digest;
    }

    public string GetBase64Digest() => Convert.ToBase64String(GetDigest());

    public void Reset()
    {
        if (_crc is not null)
        {
            _crc.Reset();
        }
        else
        {
            // IncrementalHash has no Reset; reading the final hash resets it.
            Span<byte> discard = stackalloc byte[Algorithm.DigestLength];
            _hash!.GetHashAndReset(discard);
        }
    }

    public void Dispose() => _hash?.Dispose();
}
