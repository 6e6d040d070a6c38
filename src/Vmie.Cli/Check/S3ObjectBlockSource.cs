using Amazon.S3;
using Amazon.S3.Model;
using Vmie.Disks.Abstractions;

namespace Vmie.Cli.Check;

/// <summary>
/// An S3 object read with ranged GETs, never downloaded whole: what `vmie check s3://bucket/key` inspects.
/// Wrap it in a ReadAheadBlockSource so small reads share larger requests.
/// </summary>
internal sealed class S3ObjectBlockSource : IBlockSource
{
    private readonly IAmazonS3 _client;
    private readonly string _bucket;
    private readonly string _key;

    private S3ObjectBlockSource(IAmazonS3 client, string bucket, string key, long length)
    {
        _client = client;
        _bucket = bucket;
        _key = key;
        Length = length;
    }

    public long Length { get; }

    public static async Task<S3ObjectBlockSource> OpenAsync(IAmazonS3 client, string bucket, string key, CancellationToken cancellationToken)
    {
        var metadata = await client.GetObjectMetadataAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return new S3ObjectBlockSource(client, bucket, key, metadata.ContentLength);
    }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Length || buffer.Length == 0)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, Length - offset);
        var request = new GetObjectRequest { BucketName = _bucket, Key = _key, ByteRange = new ByteRange(offset, offset + count - 1) };
        using var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        await using var body = response.ResponseStream;
        var total = 0;
        while (total < count)
        {
            var read = await body.ReadAsync(buffer.Slice(total, count - total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"s3://{_bucket}/{_key}: the range at {offset} ended after {total} of {count} bytes.");
            }

            total += read;
        }

        return total;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
