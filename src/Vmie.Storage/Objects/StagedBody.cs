using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Vmie.Storage.Checksums;
using Vmie.Storage.FileSystem;

namespace Vmie.Storage.Objects;

/// <summary>
/// A body written to a temporary file with its MD5 and requested checksums computed on the way, verified,
/// flushed, then moved into place. Until the metadata commit references it, the owner must
/// <see cref="Discard"/> it on failure.
/// </summary>
internal sealed class StagedBody
{
    private const int BlockSize = 64 * 1024;
    private const int BufferSize = 16 * BlockSize;

    private readonly BodyFileDirectory _directory;
    private bool _placed;

    private StagedBody(BodyFileDirectory directory, string id, long length, byte[] md5, IReadOnlyDictionary<string, string> checksums)
    {
        _directory = directory;
        Id = id;
        Length = length;
        Md5 = md5;
        Checksums = checksums;
    }

    public string Id { get; }

    public long Length { get; }

    public byte[] Md5 { get; }

    public string ETag => "\"" + Convert.ToHexStringLower(Md5) + "\"";

    /// <summary>Computed checksums by canonical algorithm name, base64.</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; }

    /// <summary>
    /// Streams <paramref name="content"/> into a new temporary file. All-zero 64 KiB blocks are skipped,
    /// leaving holes (disk images are mostly zeros). On any failure, including one thrown by the content
    /// stream, the temporary file is deleted and the exception propagates unchanged.
    /// </summary>
    /// <param name="maxLength">More bytes than this fail the write (declared length or S3's size limit).</param>
    /// <param name="tooLong">The error for exceeding <paramref name="maxLength"/>.</param>
    public static async Task<StagedBody> WriteAsync(
        BodyFileDirectory directory,
        Stream content,
        IReadOnlyCollection<ChecksumAlgorithm> checksumAlgorithms,
        long maxLength,
        Func<ObjectStoreException> tooLong,
        CancellationToken cancellationToken)
    {
        var id = BodyFileDirectory.NewId();
        var temporaryPath = directory.TemporaryPathOf(id);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var checksums = checksumAlgorithms.Select(a => a.CreateCalculator()).ToList();
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long length = 0;
            using (var handle = File.OpenHandle(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous))
            {
                while (true)
                {
                    var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, BufferSize), BufferSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    if (filled == 0)
                    {
                        break;
                    }

                    if (length + filled > maxLength)
                    {
                        throw tooLong();
                    }

                    var chunk = buffer.AsMemory(0, filled);
                    md5.AppendData(chunk.Span);
                    foreach (var checksum in checksums)
                    {
                        checksum.Append(chunk.Span);
                    }

                    await WriteSkippingZeroBlocksAsync(handle, chunk, length, cancellationToken).ConfigureAwait(false);
                    length += filled;
                    if (filled < BufferSize)
                    {
                        break;
                    }
                }

                // Trailing zero blocks were skipped: the length makes them a hole.
                RandomAccess.SetLength(handle, length);
                RandomAccess.FlushToDisk(handle);
            }

            return new StagedBody(directory, id, length, md5.GetCurrentHash(), checksums.ToDictionary(c => c.Algorithm.Name, c => c.GetBase64Digest(), StringComparer.Ordinal));
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (var checksum in checksums)
            {
                checksum.Dispose();
            }
        }
    }

    /// <summary>Checks the declared length, Content-MD5 and checksums; BadDigest / IncompleteBody on mismatch.</summary>
    public void Verify(ObjectWriteOptions options, string resource)
    {
        if (options.ExpectedLength is { } expected && expected != Length)
        {
            throw new ObjectStoreException("IncompleteBody", $"You did not provide the number of bytes specified by the Content-Length HTTP header ({Length} of {expected}).", resource);
        }

        if (options.ExpectedMd5 is { } expectedMd5 && !CryptographicOperations.FixedTimeEquals(expectedMd5, Md5))
        {
            throw ObjectStoreErrors.BadDigest("The Content-MD5 you specified did not match what we received.", resource);
        }

        foreach (var (algorithm, value) in options.ExpectedChecksums)
        {
            var canonical = ChecksumAlgorithm.Parse(algorithm).Name;
            if (!string.Equals(Checksums[canonical], value, StringComparison.Ordinal))
            {
                throw ObjectStoreErrors.BadDigest($"The {canonical} you specified did not match the calculated checksum.", resource);
            }
        }
    }

    /// <summary>Renames the flushed temporary file to its final name.</summary>
    public void MoveIntoPlace()
    {
        var finalPath = _directory.PathOf(Id);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        File.Move(_directory.TemporaryPathOf(Id), finalPath);
        _placed = true;

        // The row that will point at this file commits next: the rename must be on disk first.
        DirectoryDurability.Flush(Path.GetDirectoryName(finalPath)!);
    }

    /// <summary>Deletes the file wherever it is; used when the write fails before its metadata commits.</summary>
    public void Discard()
    {
        File.Delete(_directory.TemporaryPathOf(Id));
        if (_placed)
        {
            _directory.Delete(Id);
        }
    }

    private static async ValueTask WriteSkippingZeroBlocksAsync(SafeFileHandle handle, ReadOnlyMemory<byte> chunk, long fileOffset, CancellationToken cancellationToken)
    {
        var runStart = -1;
        for (var blockStart = 0; blockStart < chunk.Length; blockStart += BlockSize)
        {
            var block = chunk.Span.Slice(blockStart, Math.Min(BlockSize, chunk.Length - blockStart));
            var isZero = block.IndexOfAnyExcept((byte)0) < 0;
            if (isZero && runStart >= 0)
            {
                await RandomAccess.WriteAsync(handle, chunk[runStart..blockStart], fileOffset + runStart, cancellationToken).ConfigureAwait(false);
                runStart = -1;
            }
            else if (!isZero && runStart < 0)
            {
                runStart = blockStart;
            }
        }

        if (runStart >= 0)
        {
            await RandomAccess.WriteAsync(handle, chunk[runStart..], fileOffset + runStart, cancellationToken).ConfigureAwait(false);
        }
    }
}
