using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Vmie.Storage.Objects;

public sealed partial class FileSystemObjectStore
{
    private const string ObjectColumns = "id, key, size, etag, last_modified_ms, content_type, user_metadata, checksums, part_count, "
        + "content_encoding, content_disposition, cache_control, content_language, expires";

    // A reader can lose the race against an overwrite that deletes the files it just looked up; it then
    // simply reads the newer version. More than a few lost races in a row means something else is wrong.
    private const int OpenAttempts = 8;

    public async Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken = default)
    {
        var resource = $"{bucket}/{key}";
        ObjectKeyRules.Validate(bucket, key);
        var algorithms = ChecksumAlgorithmsFor(options, null, resource);
        Read((connection, transaction) => RequireBucket(connection, transaction, bucket));

        var body = await StageAsync(content, options, algorithms, resource, cancellationToken).ConfigureAwait(false);
        try
        {
            var info = new ObjectInfo(bucket, key, body.Length, body.ETag, Now(), options.ContentType, Copy(options.UserMetadata), body.Checksums)
            {
                ContentHeaders = options.ContentHeaders,
            };
            return Write((connection, transaction, unreferenced) =>
            {
                RequireBucket(connection, transaction, bucket);
                InsertBody(connection, transaction, body);
                ReplaceObject(connection, transaction, info, [body.Id], unreferenced);
                return info;
            });
        }
        catch
        {
            body.Discard();
            throw;
        }
    }

    public Task<ObjectInfo?> HeadObjectAsync(string bucket, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read((connection, transaction) =>
        {
            RequireBucket(connection, transaction, bucket);
            return FindObject(connection, transaction, bucket, key)?.Info;
        }));

    public Task<ObjectReadHandle> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (info, segments) = Read((connection, transaction) =>
            {
                RequireBucket(connection, transaction, bucket);
                var found = FindObject(connection, transaction, bucket, key) ?? throw ObjectStoreErrors.NoSuchKey(bucket, key);
                return (found.Info, Segments(connection, transaction, found.Id));
            });

            var handles = new List<SafeFileHandle>(segments.Count);
            try
            {
                foreach (var (bodyId, _) in segments)
                {
                    handles.Add(File.OpenHandle(_bodies.PathOf(bodyId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous | FileOptions.RandomAccess));
                }

                return Task.FromResult<ObjectReadHandle>(new SegmentedObjectReadHandle(info, [.. handles], [.. segments.Select(s => s.Length)]));
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException && attempt < OpenAttempts)
            {
                foreach (var handle in handles)
                {
                    handle.Dispose();
                }
            }
            catch
            {
                foreach (var handle in handles)
                {
                    handle.Dispose();
                }

                throw;
            }
        }
    }

    public Task DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        ObjectKeyRules.Validate(bucket, key);
        Write((connection, transaction, unreferenced) =>
        {
            RequireBucket(connection, transaction, bucket);
            ReleaseBodies(connection, transaction, RemoveObject(connection, transaction, bucket, key), unreferenced);
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<ObjectInfo> CopyObjectAsync(string sourceBucket, string sourceKey, string bucket, string key, ObjectWriteOptions? replaceMetadata, CancellationToken cancellationToken = default)
    {
        ObjectKeyRules.Validate(sourceBucket, sourceKey);
        ObjectKeyRules.Validate(bucket, key);
        return Task.FromResult(Write((connection, transaction, unreferenced) =>
        {
            RequireBucket(connection, transaction, sourceBucket);
            var source = FindObject(connection, transaction, sourceBucket, sourceKey) ?? throw ObjectStoreErrors.NoSuchKey(sourceBucket, sourceKey);
            RequireBucket(connection, transaction, bucket);

            // The copy shares the source's body files: no bytes move, whatever the size. Replacing the
            // metadata replaces all of it, standard headers included, as S3's REPLACE directive does.
            var bodyIds = Segments(connection, transaction, source.Id).Select(s => s.BodyId).ToList();
            var info = source.Info with
            {
                Bucket = bucket,
                Key = key,
                LastModified = Now(),
                ContentType = replaceMetadata is null ? source.Info.ContentType : replaceMetadata.ContentType,
                UserMetadata = replaceMetadata is null ? source.Info.UserMetadata : Copy(replaceMetadata.UserMetadata),
                ContentHeaders = replaceMetadata is null ? source.Info.ContentHeaders : replaceMetadata.ContentHeaders,
            };
            ReplaceObject(connection, transaction, info, bodyIds, unreferenced);
            return info;
        }));
    }

    /// <summary>Makes <paramref name="info"/> the current version of its key, releasing the previous version's bodies.</summary>
    private static void ReplaceObject(SqliteConnection connection, SqliteTransaction transaction, ObjectInfo info, IReadOnlyList<string> bodyIds, List<string> unreferenced)
    {
        var previousBodies = RemoveObject(connection, transaction, info.Bucket, info.Key);
        var id = (long)Scalar(connection, transaction, """
            INSERT INTO object_entries(bucket, key, size, etag, last_modified_ms, content_type, user_metadata, checksums, part_count,
                content_encoding, content_disposition, cache_control, content_language, expires)
            VALUES ($bucket, $key, $size, $etag, $modified, $type, $meta, $checksums, $parts,
                $encoding, $disposition, $cacheControl, $language, $expires)
            RETURNING id;
            """,
            ("$bucket", info.Bucket), ("$key", info.Key), ("$size", info.Size), ("$etag", info.ETag),
            ("$modified", info.LastModified.ToUnixTimeMilliseconds()), ("$type", info.ContentType),
            ("$meta", ToJson(info.UserMetadata)), ("$checksums", ToJson(info.Checksums)), ("$parts", info.PartCount),
            ("$encoding", info.ContentHeaders.ContentEncoding), ("$disposition", info.ContentHeaders.ContentDisposition),
            ("$cacheControl", info.ContentHeaders.CacheControl), ("$language", info.ContentHeaders.ContentLanguage),
            ("$expires", info.ContentHeaders.Expires))!;

        using var insert = Command(connection, transaction, "INSERT INTO object_segments(object_id, ordinal, body_id) VALUES ($object, $ordinal, $body);",
            ("$object", id), ("$ordinal", 0), ("$body", string.Empty));
        for (var ordinal = 0; ordinal < bodyIds.Count; ordinal++)
        {
            insert.Parameters["$ordinal"].Value = ordinal;
            insert.Parameters["$body"].Value = bodyIds[ordinal];
            insert.ExecuteNonQuery();
        }

        ReleaseBodies(connection, transaction, previousBodies, unreferenced);
    }

    /// <summary>Deletes the current version of a key (if any) and returns the body ids it referenced.</summary>
    private static List<string> RemoveObject(SqliteConnection connection, SqliteTransaction transaction, string bucket, string key)
    {
        if (Scalar(connection, transaction, "SELECT id FROM object_entries WHERE bucket = $b AND key = $k;", ("$b", bucket), ("$k", key)) is not long id)
        {
            return [];
        }

        var bodies = Segments(connection, transaction, id).Select(s => s.BodyId).ToList();
        Execute(connection, transaction, "DELETE FROM object_entries WHERE id = $id;", ("$id", id));
        return bodies;
    }

    private static (long Id, ObjectInfo Info)? FindObject(SqliteConnection connection, SqliteTransaction transaction, string bucket, string key)
    {
        using var command = Command(connection, transaction, $"SELECT {ObjectColumns} FROM object_entries WHERE bucket = $b AND key = $k;", ("$b", bucket), ("$k", key));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), ReadObject(bucket, reader)) : null;
    }

    /// <summary>Reads a row selected with <see cref="ObjectColumns"/>.</summary>
    private static ObjectInfo ReadObject(string bucket, SqliteDataReader reader) =>
        new(
            bucket,
            reader.GetString(1),
            reader.GetInt64(2),
            reader.GetString(3),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            FromJson(reader.GetString(6)),
            FromJson(reader.GetString(7)),
            reader.IsDBNull(8) ? null : reader.GetInt32(8))
        {
            ContentHeaders = ReadContentHeaders(reader, 9),
        };

    /// <summary>The five standard header columns, in schema order, starting at <paramref name="first"/>.</summary>
    private static ObjectContentHeaders ReadContentHeaders(SqliteDataReader reader, int first)
    {
        string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
        return new ObjectContentHeaders
        {
            ContentEncoding = Text(first),
            ContentDisposition = Text(first + 1),
            CacheControl = Text(first + 2),
            ContentLanguage = Text(first + 3),
            Expires = Text(first + 4),
        };
    }

    private static List<(string BodyId, long Length)> Segments(SqliteConnection connection, SqliteTransaction transaction, long objectId)
    {
        using var command = Command(connection, transaction, """
            SELECT s.body_id, b.length FROM object_segments s JOIN object_bodies b ON b.id = s.body_id
            WHERE s.object_id = $id ORDER BY s.ordinal;
            """, ("$id", objectId));
        using var reader = command.ExecuteReader();
        var segments = new List<(string, long)>();
        while (reader.Read())
        {
            segments.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return segments;
    }

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string> values) => values.ToDictionary(StringComparer.Ordinal);
}
