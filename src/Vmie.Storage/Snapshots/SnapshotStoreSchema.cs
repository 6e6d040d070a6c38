using Vmie.Storage.Metadata;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Tables of component "snapshots". Block reference counts count manifest rows, staged ones included,
/// so a block another snapshot still lists (even one being written) is never released.
/// </summary>
public static class SnapshotStoreSchema
{
    public const string Component = "snapshots";

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(Component, 1, """
            CREATE TABLE snapshot_store_contents (
                snapshot_id TEXT PRIMARY KEY NOT NULL,
                capacity    INTEGER NOT NULL CHECK (capacity >= 0),
                block_size  INTEGER NOT NULL CHECK (block_size > 0),
                state       TEXT NOT NULL CHECK (state IN ('writing', 'committed')),
                created_at  TEXT NOT NULL
            );

            CREATE TABLE snapshot_store_blocks (
                hash   BLOB PRIMARY KEY NOT NULL,
                length INTEGER NOT NULL CHECK (length > 0),
                refs   INTEGER NOT NULL CHECK (refs >= 0)
            ) WITHOUT ROWID;

            -- Garbage collection walks the unreferenced blocks only.
            CREATE INDEX snapshot_store_blocks_unreferenced ON snapshot_store_blocks(hash) WHERE refs = 0;

            CREATE TABLE snapshot_store_manifest (
                snapshot_id TEXT NOT NULL REFERENCES snapshot_store_contents(snapshot_id),
                block_index INTEGER NOT NULL CHECK (block_index >= 0),
                hash        BLOB NOT NULL REFERENCES snapshot_store_blocks(hash),
                PRIMARY KEY (snapshot_id, block_index)
            ) WITHOUT ROWID;

            -- Lets the foreign key check on deleting a block row use an index instead of a scan.
            CREATE INDEX snapshot_store_manifest_by_hash ON snapshot_store_manifest(hash);
            """),
    ];
}
