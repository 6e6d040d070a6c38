using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vmie.Storage.Checksums;

namespace Vmie.Storage.Objects;

public sealed partial class FileSystemObjectStore
{
    public const long MinPartSize = 5L * 1024 * 1024;
    public const int MaxPartNumber = 10000;

    private const string Composite = "COMPOSITE";
    private const string FullObject = "FULL_OBJECT";

    public Task<MultipartUploadInfo> CreateMultipartUploadAsync(string bucket, string key, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        var resource = $"{bucket}/{key}";
        ObjectKeyRules.Validate(bucket, key);
        var (algorithm, checksumType) = UploadChecksum(options, resource);
        var initiated = Now();

        // Upload ids start with the creation time so that ordering by id lists a key's uploads oldest first.
        var uploadId = initiated.ToUnixTimeMilliseconds().ToString("x12") + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        return Task.FromResult(Write((connection, transaction, _) =>
        {
            RequireBucket(connection, transaction, bucket);
            Execute(connection, transaction, """
                INSERT INTO object_uploads(upload_id, bucket, key, initiated_ms, content_type, user_metadata, checksum_algorithm, checksum_type,
                    content_encoding, content_disposition, cache_control, content_language, expires)
                VALUES ($id, $bucket, $key, $initiated, $type, $meta, $algorithm, $checksumType,
                    $encoding, $disposition, $cacheControl, $language, $expires);
                """,
                ("$id", uploadId), ("$bucket", bucket), ("$key", key), ("$initiated", initiated.ToUnixTimeMilliseconds()),
                ("$type", options.ContentType), ("$meta", ToJson(options.UserMetadata)), ("$algorithm", algorithm), ("$checksumType", checksumType),
                ("$encoding", options.ContentHeaders.ContentEncoding), ("$disposition", options.ContentHeaders.ContentDisposition),
                ("$cacheControl", options.ContentHeaders.CacheControl), ("$language", options.ContentHeaders.ContentLanguage),
                ("$expires", options.ContentHeaders.Expires));
            return new MultipartUploadInfo(bucket, key, uploadId, initiated);
        }));
    }

    public async Task<PartInfo> UploadPartAsync(string bucket, string key, string uploadId, int partNumber, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        var resource = $"{bucket}/{key}";
        if (partNumber is < 1 or > MaxPartNumber)
        {
            throw ObjectStoreErrors.InvalidArgument($"Part number must be an integer between 1 and {MaxPartNumber}, inclusive", resource);
        }

        var upload = Read((connection, transaction) => RequireUpload(connection, transaction, bucket, key, uploadId));
        var algorithms = ChecksumAlgorithmsFor(options, upload.ChecksumAlgorithm, resource);
        if (upload.ChecksumAlgorithm is { } expected && algorithms.FirstOrDefault(a => a.Name != expected) is { } actual)
        {
            throw new ObjectStoreException("InvalidRequest", $"Checksum Type mismatch occurred, expected checksum Type: {expected.ToLowerInvariant()}, actual checksum Type: {actual.Name.ToLowerInvariant()}", resource);
        }

        var body = await StageAsync(content, options, algorithms, resource, cancellationToken).ConfigureAwait(false);
        try
        {
            var part = new PartInfo(partNumber, body.Length, body.ETag, Now(), body.Checksums);
            return Write((connection, transaction, unreferenced) =>
            {
                RequireUpload(connection, transaction, bucket, key, uploadId);
                InsertBody(connection, transaction, body);
                var previous = Scalar(connection, transaction, "SELECT body_id FROM object_parts WHERE upload_id = $u AND part_number = $n;", ("$u", uploadId), ("$n", partNumber)) as string;
                Execute(connection, transaction, """
                    INSERT OR REPLACE INTO object_parts(upload_id, part_number, body_id, size, md5, last_modified_ms, checksums)
                    VALUES ($u, $n, $body, $size, $md5, $modified, $checksums);
                    """,
                    ("$u", uploadId), ("$n", partNumber), ("$body", body.Id), ("$size", body.Length), ("$md5", body.Md5),
                    ("$modified", part.LastModified.ToUnixTimeMilliseconds()), ("$checksums", ToJson(part.Checksums)));
                if (previous is not null)
                {
                    ReleaseBodies(connection, transaction, [previous], unreferenced);
                }

                return part;
            });
        }
        catch
        {
            body.Discard();
            throw;
        }
    }

    public Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, IReadOnlyDictionary<string, string>? expectedChecksums = null, CancellationToken cancellationToken = default)
    {
        var resource = $"{bucket}/{key}";
        if (parts.Count == 0)
        {
            throw new ObjectStoreException("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: at least one part must be listed.", resource);
        }

        if (parts.Count > MaxPartNumber)
        {
            throw ObjectStoreErrors.InvalidArgument($"An upload can have at most {MaxPartNumber} parts.", resource);
        }

        for (var i = 1; i < parts.Count; i++)
        {
            if (parts[i].PartNumber <= parts[i - 1].PartNumber)
            {
                throw new ObjectStoreException("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.", resource);
            }
        }

        return Task.FromResult(Write((connection, transaction, unreferenced) =>
        {
            var upload = RequireUpload(connection, transaction, bucket, key, uploadId);
            var stored = StoredParts(connection, transaction, uploadId);
            var chosen = new List<StoredPart>(parts.Count);
            foreach (var listed in parts)
            {
                if (!stored.TryGetValue(listed.PartNumber, out var part)
                    || MultipartETag.Normalize(listed.ETag) != Convert.ToHexStringLower(part.Md5)
                    || (listed.Checksums ?? new Dictionary<string, string>()).Any(c => !part.Checksums.TryGetValue(ChecksumAlgorithm.FromName(c.Key)?.Name ?? c.Key, out var value) || value != c.Value))
                {
                    throw new ObjectStoreException("InvalidPart", "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", resource);
                }

                chosen.Add(part);
            }

            for (var i = 0; i < chosen.Count - 1; i++)
            {
                if (chosen[i].Size < MinPartSize)
                {
                    throw new ObjectStoreException("EntityTooSmall", $"Your proposed upload is smaller than the minimum allowed object size. Part {chosen[i].Number} has {chosen[i].Size} bytes; every part but the last must have at least {MinPartSize}.", resource);
                }
            }

            var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
            if (upload.ChecksumAlgorithm is { } uploadAlgorithm && chosen.All(p => p.Checksums.ContainsKey(uploadAlgorithm)))
            {
                var algorithm = ChecksumAlgorithm.Parse(uploadAlgorithm);
                checksums[algorithm.Name] = upload.ChecksumType == FullObject ? CombinedChecksum(algorithm, chosen) : CompositeChecksum(algorithm, chosen);
            }

            foreach (var (name, value) in expectedChecksums ?? new Dictionary<string, string>())
            {
                var canonical = ChecksumAlgorithm.FromName(name)?.Name;
                // Clients may quote a composite checksum with or without its "-N" suffix.
                if (canonical is null || !checksums.TryGetValue(canonical, out var actual)
                    || (actual != value && actual != $"{value}-{chosen.Count}"))
                {
                    throw ObjectStoreErrors.BadDigest($"The {canonical ?? name} you specified did not match the calculated checksum.", resource);
                }
            }

            var info = new ObjectInfo(bucket, key, chosen.Sum(p => p.Size), MultipartETag.Compute([.. chosen.Select(p => p.Md5)]), Now(),
                upload.ContentType, upload.UserMetadata, checksums, chosen.Count)
            {
                ContentHeaders = upload.ContentHeaders,
            };
            ReplaceObject(connection, transaction, info, [.. chosen.Select(p => p.BodyId)], unreferenced);

            // Parts that were uploaded but not listed are discarded, as S3 does.
            Execute(connection, transaction, "DELETE FROM object_uploads WHERE upload_id = $u;", ("$u", uploadId));
            ReleaseBodies(connection, transaction, stored.Values.Select(p => p.BodyId), unreferenced);
            return info;
        }));
    }

    public Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default)
    {
        Write((connection, transaction, unreferenced) =>
        {
            RequireUpload(connection, transaction, bucket, key, uploadId);
            var bodies = StoredParts(connection, transaction, uploadId).Values.Select(p => p.BodyId).ToList();
            Execute(connection, transaction, "DELETE FROM object_uploads WHERE upload_id = $u;", ("$u", uploadId));
            ReleaseBodies(connection, transaction, bodies, unreferenced);
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<PartListing> ListPartsAsync(string bucket, string key, string uploadId, int partNumberMarker, int maxParts, CancellationToken cancellationToken = default)
    {
        if (maxParts < 0 || partNumberMarker < 0)
        {
            throw ObjectStoreErrors.InvalidArgument("max-parts and part-number-marker must not be negative.", $"{bucket}/{key}");
        }

        return Task.FromResult(Read((connection, transaction) =>
        {
            RequireUpload(connection, transaction, bucket, key, uploadId);
            using var command = Command(connection, transaction, """
                SELECT part_number, size, md5, last_modified_ms, checksums FROM object_parts
                WHERE upload_id = $u AND part_number > $marker ORDER BY part_number LIMIT $n;
                """, ("$u", uploadId), ("$marker", partNumberMarker), ("$n", maxParts + 1));
            using var reader = command.ExecuteReader();
            var parts = new List<PartInfo>();
            while (reader.Read())
            {
                parts.Add(new PartInfo(reader.GetInt32(0), reader.GetInt64(1), "\"" + Convert.ToHexStringLower((byte[])reader[2]) + "\"",
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), FromJson(reader.GetString(4))));
            }

            var truncated = parts.Count > maxParts;
            if (truncated)
            {
                parts.RemoveAt(parts.Count - 1);
            }

            return new PartListing(parts, truncated, parts.Count > 0 ? parts[^1].PartNumber : 0);
        }));
    }

    public Task<MultipartUploadListing> ListMultipartUploadsAsync(string bucket, string? prefix, string? keyMarker, string? uploadIdMarker, int maxUploads, CancellationToken cancellationToken = default)
    {
        if (maxUploads < 0)
        {
            throw ObjectStoreErrors.InvalidArgument("max-uploads must not be negative.", bucket);
        }

        return Task.FromResult(Read((connection, transaction) =>
        {
            RequireBucket(connection, transaction, bucket);
            prefix ??= string.Empty;

            // S3: with an upload-id-marker, uploads of key-marker after that id follow; without one, only later keys.
            var (condition, marker) = (keyMarker, uploadIdMarker) switch
            {
                (null or "", _) => ("key >= $k", prefix),
                (_, null or "") => ("key > $k", keyMarker),
                _ => ("(key > $k OR (key = $k AND upload_id > $id))", keyMarker),
            };
            using var command = Command(connection, transaction, $"""
                SELECT key, upload_id, initiated_ms FROM object_uploads
                WHERE bucket = $b AND {condition} ORDER BY key, upload_id;
                """, ("$b", bucket), ("$k", marker), ("$id", uploadIdMarker));
            using var reader = command.ExecuteReader();
            var uploads = new List<MultipartUploadInfo>();
            while (uploads.Count <= maxUploads && reader.Read())
            {
                var key = reader.GetString(0);
                if (!key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    if (ObjectKeyOrder.Compare(key, prefix) > 0)
                    {
                        break;
                    }

                    continue;
                }

                uploads.Add(new MultipartUploadInfo(bucket, key, reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }

            var truncated = uploads.Count > maxUploads;
            if (truncated)
            {
                uploads.RemoveAt(uploads.Count - 1);
            }

            return truncated && uploads.Count > 0
                ? new MultipartUploadListing(uploads, true, uploads[^1].Key, uploads[^1].UploadId)
                : new MultipartUploadListing(uploads, truncated, null, null);
        }));
    }

    private static (string? Algorithm, string? Type) UploadChecksum(ObjectWriteOptions options, string resource)
    {
        if (options.ChecksumAlgorithm is null)
        {
            if (options.ChecksumType is not null)
            {
                throw new ObjectStoreException("InvalidRequest", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.", resource);
            }

            return (null, null);
        }

        var algorithm = ChecksumAlgorithm.FromName(options.ChecksumAlgorithm)
            ?? throw ObjectStoreErrors.InvalidArgument($"Unknown checksum algorithm '{options.ChecksumAlgorithm}'.", resource);
        var type = options.ChecksumType?.Trim().ToUpperInvariant() ?? (algorithm == ChecksumAlgorithm.Crc64Nvme ? FullObject : Composite);
        var supported = type switch
        {
            Composite => algorithm != ChecksumAlgorithm.Crc64Nvme,
            FullObject => algorithm.IsCrc,
            _ => false,
        };
        if (!supported)
        {
            throw new ObjectStoreException("InvalidRequest", $"The {algorithm} checksum algorithm does not support the checksum type '{type}'.", resource);
        }

        return (algorithm.Name, type);
    }

    /// <summary>The checksum of the concatenated raw part checksums, with the part count appended.</summary>
    private static string CompositeChecksum(ChecksumAlgorithm algorithm, List<StoredPart> parts)
    {
        using var checksum = algorithm.CreateCalculator();
        foreach (var part in parts)
        {
            checksum.Append(Convert.FromBase64String(part.Checksums[algorithm.Name]));
        }

        return $"{checksum.GetBase64Digest()}-{parts.Count}";
    }

    /// <summary>The CRC of the whole object, combined from the part CRCs without reading the data.</summary>
    private static string CombinedChecksum(ChecksumAlgorithm algorithm, List<StoredPart> parts)
    {
        var width = algorithm.DigestLength;
        ulong combined = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var raw = Convert.FromBase64String(parts[i].Checksums[algorithm.Name]);
            var crc = width == 4 ? BinaryPrimitives.ReadUInt32BigEndian(raw) : BinaryPrimitives.ReadUInt64BigEndian(raw);
            combined = i == 0 ? crc : CrcCombination.Combine(algorithm, combined, crc, parts[i].Size);
        }

        var value = new byte[width];
        if (width == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, (uint)combined);
        }
        else
        {
            BinaryPrimitives.WriteUInt64BigEndian(value, combined);
        }

        return Convert.ToBase64String(value);
    }

    private static Upload RequireUpload(SqliteConnection connection, SqliteTransaction transaction, string bucket, string key, string uploadId)
    {
        RequireBucket(connection, transaction, bucket);
        using var command = Command(connection, transaction, """
            SELECT content_type, user_metadata, checksum_algorithm, checksum_type,
                content_encoding, content_disposition, cache_control, content_language, expires
            FROM object_uploads WHERE upload_id = $u AND bucket = $b AND key = $k;
            """, ("$u", uploadId), ("$b", bucket), ("$k", key));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw ObjectStoreErrors.NoSuchUpload(bucket, key);
        }

        return new Upload(
            reader.IsDBNull(0) ? null : reader.GetString(0),
            FromJson(reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            ReadContentHeaders(reader, 4));
    }

    private static Dictionary<int, StoredPart> StoredParts(SqliteConnection connection, SqliteTransaction transaction, string uploadId)
    {
        using var command = Command(connection, transaction, "SELECT part_number, body_id, size, md5, checksums FROM object_parts WHERE upload_id = $u;", ("$u", uploadId));
        using var reader = command.ExecuteReader();
        var parts = new Dictionary<int, StoredPart>();
        while (reader.Read())
        {
            var number = reader.GetInt32(0);
            parts[number] = new StoredPart(number, reader.GetString(1), reader.GetInt64(2), (byte[])reader[3], FromJson(reader.GetString(4)));
        }

        return parts;
    }

    private sealed record Upload(string? ContentType, Dictionary<string, string> UserMetadata, string? ChecksumAlgorithm, string? ChecksumType, ObjectContentHeaders ContentHeaders);

    private sealed record StoredPart(int Number, string BodyId, long Size, byte[] Md5, Dictionary<string, string> Checksums);
}
