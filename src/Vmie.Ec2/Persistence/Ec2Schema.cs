using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>The "ec2" component's tables: tasks (and the disks of image tasks), snapshots, tags, snapshot contents awaiting release, images and volumes.</summary>
public static class Ec2Schema
{
    public const string Component = "ec2";

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(Component, 1, """
            -- Tasks of every kind (import-snapshot now; import-image and exports later). seq gives a stable
            -- creation order for listings and the work queue; times are Unix milliseconds (UTC).
            CREATE TABLE ec2_tasks (
                seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
                id                  TEXT NOT NULL UNIQUE,
                kind                TEXT NOT NULL,
                account_id          TEXT NOT NULL,
                region              TEXT NOT NULL,
                status              TEXT NOT NULL,
                status_message      TEXT,
                progress            INTEGER,
                disk_image_size     INTEGER NOT NULL DEFAULT 0,
                description         TEXT,
                request_json        TEXT NOT NULL,
                source_bucket       TEXT,
                source_key          TEXT,
                source_snapshot_id  TEXT,
                snapshot_id         TEXT,
                result_json         TEXT,
                client_token        TEXT,
                request_fingerprint TEXT,
                cancel_reason       TEXT,
                attempts            INTEGER NOT NULL DEFAULT 0,
                claimed_by          TEXT,
                claimed_at          INTEGER,
                heartbeat_at        INTEGER,
                created_at          INTEGER NOT NULL,
                updated_at          INTEGER NOT NULL,
                finished_at         INTEGER
            );
            CREATE UNIQUE INDEX ec2_tasks_client_token ON ec2_tasks(account_id, region, kind, client_token) WHERE client_token IS NOT NULL;
            CREATE INDEX ec2_tasks_by_owner ON ec2_tasks(account_id, region, kind, seq);
            CREATE INDEX ec2_tasks_queue ON ec2_tasks(status, claimed_by, seq);
            CREATE INDEX ec2_tasks_source_snapshot ON ec2_tasks(source_snapshot_id) WHERE source_snapshot_id IS NOT NULL;

            CREATE TABLE ec2_snapshots (
                seq             INTEGER PRIMARY KEY AUTOINCREMENT,
                id              TEXT NOT NULL UNIQUE,
                account_id      TEXT NOT NULL,
                region          TEXT NOT NULL,
                volume_id       TEXT NOT NULL,
                volume_size     INTEGER NOT NULL,
                capacity        INTEGER NOT NULL,
                data_bytes      INTEGER NOT NULL,
                state           TEXT NOT NULL,
                progress        TEXT NOT NULL,
                description     TEXT,
                encrypted       INTEGER NOT NULL,
                kms_key_id      TEXT,
                start_time      INTEGER NOT NULL,
                completion_time INTEGER,
                source_task_id  TEXT
            );
            CREATE INDEX ec2_snapshots_by_owner ON ec2_snapshots(account_id, region, seq);

            CREATE TABLE ec2_tags (
                resource_id   TEXT NOT NULL,
                key           TEXT NOT NULL,
                value         TEXT NOT NULL,
                resource_type TEXT NOT NULL,
                account_id    TEXT NOT NULL,
                region        TEXT NOT NULL,
                PRIMARY KEY (resource_id, key)
            ) WITHOUT ROWID;
            CREATE INDEX ec2_tags_by_owner ON ec2_tags(account_id, region, resource_id, key);

            -- Snapshot contents to delete from the snapshot store: written in the same transaction that
            -- drops the metadata, removed once the store confirms, retried by the task runner after a crash.
            CREATE TABLE ec2_snapshot_releases (
                snapshot_id  TEXT PRIMARY KEY NOT NULL,
                requested_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        new(Component, 2, """
            -- One row per disk of an image task (ImportImage's disk containers, in request order: position 0 is the
            -- boot disk). A disk comes from a file (format, source bucket/key, url as echoed) or from a snapshot
            -- (source_snapshot_id); the task fills in device_name, snapshot_id, status, progress and size.
            CREATE TABLE ec2_task_disks (
                task_id            TEXT NOT NULL,
                position           INTEGER NOT NULL,
                format             TEXT,
                source_bucket      TEXT,
                source_key         TEXT,
                url                TEXT,
                description        TEXT,
                device_name        TEXT,
                source_snapshot_id TEXT,
                snapshot_id        TEXT,
                status             TEXT NOT NULL,
                status_message     TEXT,
                progress           INTEGER,
                disk_image_size    INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (task_id, position)
            ) WITHOUT ROWID;
            CREATE INDEX ec2_task_disks_source_snapshot ON ec2_task_disks(source_snapshot_id) WHERE source_snapshot_id IS NOT NULL;
            CREATE INDEX ec2_task_disks_snapshot ON ec2_task_disks(snapshot_id) WHERE snapshot_id IS NOT NULL;
            """),
        new(Component, 3, """
            -- AMIs (ImportImage and RegisterImage) and their EBS block device mappings, one row per device.
            -- Names are unique per account and region, as EC2 keeps them.
            CREATE TABLE ec2_images (
                seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
                id                  TEXT NOT NULL UNIQUE,
                account_id          TEXT NOT NULL,
                region              TEXT NOT NULL,
                name                TEXT NOT NULL,
                description         TEXT,
                state               TEXT NOT NULL,
                architecture        TEXT NOT NULL,
                platform            TEXT,
                platform_details    TEXT NOT NULL,
                usage_operation     TEXT NOT NULL,
                boot_mode           TEXT,
                ena_support         INTEGER NOT NULL,
                tpm_support         TEXT,
                imds_support        TEXT,
                root_device_name    TEXT NOT NULL,
                root_device_type    TEXT NOT NULL,
                virtualization_type TEXT NOT NULL,
                hypervisor          TEXT NOT NULL,
                image_type          TEXT NOT NULL,
                creation_date       INTEGER NOT NULL,
                source_task_id      TEXT
            );
            CREATE UNIQUE INDEX ec2_images_name ON ec2_images(account_id, region, name);
            CREATE INDEX ec2_images_by_owner ON ec2_images(account_id, region, seq);

            CREATE TABLE ec2_image_block_devices (
                image_id              TEXT NOT NULL REFERENCES ec2_images(id) ON DELETE CASCADE,
                position              INTEGER NOT NULL,
                device_name           TEXT NOT NULL,
                snapshot_id           TEXT NOT NULL,
                volume_size           INTEGER NOT NULL,
                volume_type           TEXT NOT NULL,
                iops                  INTEGER,
                throughput            INTEGER,
                delete_on_termination INTEGER NOT NULL,
                encrypted             INTEGER NOT NULL,
                kms_key_id            TEXT,
                PRIMARY KEY (image_id, position)
            ) WITHOUT ROWID;
            -- DeleteSnapshot looks here to refuse deleting a snapshot an AMI uses.
            CREATE INDEX ec2_image_block_devices_snapshot ON ec2_image_block_devices(snapshot_id);

            -- EBS volumes. A volume is metadata only: no data path exists for volumes, and snapshot_id records
            -- where it came from without depending on that snapshot (EC2 lets the snapshot be deleted).
            CREATE TABLE ec2_volumes (
                seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
                id                   TEXT NOT NULL UNIQUE,
                account_id           TEXT NOT NULL,
                region               TEXT NOT NULL,
                availability_zone    TEXT NOT NULL,
                size                 INTEGER NOT NULL,
                snapshot_id          TEXT,
                state                TEXT NOT NULL,
                volume_type          TEXT NOT NULL,
                iops                 INTEGER,
                throughput           INTEGER,
                encrypted            INTEGER NOT NULL,
                kms_key_id           TEXT,
                multi_attach_enabled INTEGER NOT NULL,
                client_token         TEXT,
                request_fingerprint  TEXT,
                create_time          INTEGER NOT NULL
            );
            CREATE INDEX ec2_volumes_by_owner ON ec2_volumes(account_id, region, seq);
            CREATE UNIQUE INDEX ec2_volumes_client_token ON ec2_volumes(account_id, region, client_token) WHERE client_token IS NOT NULL;
            """),
    ];
}
