using Vmie.Storage.Metadata;

namespace Vmie.Storage.Objects;

/// <summary>
/// The "objects" component's tables. An object version is a row in object_entries plus an ordered list of
/// body files (object_segments); uploaded parts reference body files too (object_parts). A body file is
/// deleted when nothing references it any more, which the two body_id indexes make cheap to check.
/// Keys are TEXT in the default BINARY collation, which compares their UTF-8 bytes: S3's listing order.
/// </summary>
public static class ObjectStoreSchema
{
    public const string Component = "objects";

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(Component, 1, """
            CREATE TABLE object_buckets (
                name             TEXT PRIMARY KEY NOT NULL,
                owner_account_id TEXT NOT NULL,
                region           TEXT NOT NULL,
                created_at_ms    INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE object_bodies (
                id     TEXT PRIMARY KEY NOT NULL,
                length INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE object_entries (
                id               INTEGER PRIMARY KEY,
                bucket           TEXT NOT NULL REFERENCES object_buckets(name),
                key              TEXT NOT NULL,
                size             INTEGER NOT NULL,
                etag             TEXT NOT NULL,
                last_modified_ms INTEGER NOT NULL,
                content_type     TEXT,
                user_metadata    TEXT NOT NULL,
                checksums        TEXT NOT NULL,
                part_count       INTEGER,
                UNIQUE (bucket, key)
            );

            CREATE TABLE object_segments (
                object_id INTEGER NOT NULL REFERENCES object_entries(id) ON DELETE CASCADE,
                ordinal   INTEGER NOT NULL,
                body_id   TEXT NOT NULL REFERENCES object_bodies(id),
                PRIMARY KEY (object_id, ordinal)
            ) WITHOUT ROWID;
            CREATE INDEX object_segments_by_body ON object_segments(body_id);

            CREATE TABLE object_uploads (
                upload_id         TEXT PRIMARY KEY NOT NULL,
                bucket            TEXT NOT NULL REFERENCES object_buckets(name),
                key               TEXT NOT NULL,
                initiated_ms      INTEGER NOT NULL,
                content_type      TEXT,
                user_metadata     TEXT NOT NULL,
                checksum_algorithm TEXT,
                checksum_type     TEXT
            ) WITHOUT ROWID;
            CREATE INDEX object_uploads_by_key ON object_uploads(bucket, key, upload_id);

            CREATE TABLE object_parts (
                upload_id        TEXT NOT NULL REFERENCES object_uploads(upload_id) ON DELETE CASCADE,
                part_number      INTEGER NOT NULL,
                body_id          TEXT NOT NULL REFERENCES object_bodies(id),
                size             INTEGER NOT NULL,
                md5              BLOB NOT NULL,
                last_modified_ms INTEGER NOT NULL,
                checksums        TEXT NOT NULL,
                PRIMARY KEY (upload_id, part_number)
            ) WITHOUT ROWID;
            CREATE INDEX object_parts_by_body ON object_parts(body_id);
            """),

        // The standard headers S3 stores besides Content-Type; an upload keeps them until it completes.
        new(Component, 2, """
            ALTER TABLE object_entries ADD COLUMN content_encoding TEXT;
            ALTER TABLE object_entries ADD COLUMN content_disposition TEXT;
            ALTER TABLE object_entries ADD COLUMN cache_control TEXT;
            ALTER TABLE object_entries ADD COLUMN content_language TEXT;
            ALTER TABLE object_entries ADD COLUMN expires TEXT;

            ALTER TABLE object_uploads ADD COLUMN content_encoding TEXT;
            ALTER TABLE object_uploads ADD COLUMN content_disposition TEXT;
            ALTER TABLE object_uploads ADD COLUMN cache_control TEXT;
            ALTER TABLE object_uploads ADD COLUMN content_language TEXT;
            ALTER TABLE object_uploads ADD COLUMN expires TEXT;
            """),
    ];
}
