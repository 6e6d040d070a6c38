using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Vmie.Storage.Objects.Checksums;

/// <summary>One checksum being computed over a stream of bytes, producing the raw value S3 base64-encodes.</summary>
public sealed class RunningChecksum : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _digest;

    private RunningChecksum(string algorithm, NonCryptographicHashAlgorithm? crc, IncrementalHash? digest)
    {
        Algorithm = algorithm;
        _crc = crc;
        _digest = digest;
    }

    public string Algorithm { get; }

    /// <param name="algorithm">A canonical name from <see cref="ChecksumAlgorithms"/>.</param>
    public static RunningChecksum Create(string algorithm) => algorithm switch
    {
        ChecksumAlgorithms.Crc32 => new RunningChecksum(algorithm, new Crc32(), null),
        ChecksumAlgorithms.Crc32C => new RunningChecksum(algorithm, new Crc32C(), null),
        ChecksumAlgorithms.Crc64Nvme => new RunningChecksum(algorithm, new Crc64Nvme(), null),
        ChecksumAlgorithms.Sha1 => new RunningChecksum(algorithm, null, IncrementalHash.CreateHash(HashAlgorithmName.SHA1)),
        ChecksumAlgorithms.Sha256 => new RunningChecksum(algorithm, null, IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        _ => throw new ArgumentException($"Unknown checksum algorithm '{algorithm}'.", nameof(algorithm)),
    };

    /// <summary>The raw checksum of <paramref name="data"/> in one call.</summary>
    public static byte[] Compute(string algorithm, ReadOnlySpan<byte> data)
    {
        using var checksum = Create(algorithm);
        checksum.Append(data);
        return checksum.GetValue();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null)
        {
            _crc.Append(data);
        }
        else
        {
            _digest!.AppendData(data);
        }
    }

    /// <summary>The raw value (CRCs big-endian, as S3 encodes them).</summary>
    public byte[] GetValue()
    {
        switch (_crc)
        {
            case Crc32 crc32:
                // System.IO.Hashing writes CRC-32 little-endian; S3 wants the number big-endian.
                var value = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(value, crc32.GetCurrentHashAsUInt32());
                return value;
            case not null:
                return _crc.GetCurrentHash();
            default:
                return _digest!.GetCurrentHash();
        }
    }

    public string GetBase64() => Convert.ToBase64String(GetValue());

    public void Dispose() => _digest?.Dispose();
}
