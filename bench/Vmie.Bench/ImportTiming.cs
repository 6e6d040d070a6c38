using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Storage.Metadata;
using Vmie.Storage.Snapshots;

namespace Vmie.Bench;

/// <param name="Elapsed">From opening the image to the committed snapshot.</param>
/// <param name="StoredBytes">What the store holds afterwards.</param>
/// <param name="DataBytes">Bytes of non-zero blocks the importer reported.</param>
internal sealed record ImportMeasurement(TimeSpan Elapsed, long StoredBytes, long DataBytes);

/// <summary>Imports the image into a fresh store: FileBlockSource → RawDisk → SnapshotImporter.</summary>
internal static class ImportTiming
{
    private const string SnapshotId = "snap-0123456789abcdef0";

    public static async Task<ImportMeasurement> MeasureAsync(string image, string storeDirectory, bool verify)
    {
        Directory.CreateDirectory(storeDirectory);
        var database = new MetadataDatabase(Path.Combine(storeDirectory, "metadata.db"));
        ImportMeasurement measurement;
        using (var store = new FileSnapshotStore(database, Path.Combine(storeDirectory, "blocks")))
        {
            var stopwatch = Stopwatch.StartNew();
            SnapshotImportResult result;
            await using (var disk = new RawDisk(FileBlockSource.Open(image)))
            {
                result = await new SnapshotImporter(store).ImportAsync(disk, SnapshotId, bytesProcessed: null);
            }

            stopwatch.Stop();
            measurement = new ImportMeasurement(stopwatch.Elapsed, await store.StoredBytesAsync(), result.DataBytes);
            if (verify)
            {
                await VerifyAsync(store, image);
            }
        }

        // Pooled connections would keep the deleted database file open and be reused by the next run.
        SqliteConnection.ClearAllPools();
        Directory.Delete(storeDirectory, recursive: true);
        FileSystemQuiet.Settle();
        return measurement;
    }

    /// <summary>Reads the snapshot back and compares it with the image byte for byte (not timed).</summary>
    private static async Task VerifyAsync(FileSnapshotStore store, string image)
    {
        const int ChunkSize = 4 << 20;
        await using var snapshot = await store.OpenAsync(SnapshotId);
        await using var original = FileBlockSource.Open(image);
        if (snapshot.Capacity != original.Length)
        {
            throw new InvalidDataException($"The snapshot holds {snapshot.Capacity} bytes, the image {original.Length}.");
        }

        var expected = new byte[ChunkSize];
        var actual = new byte[ChunkSize];
        for (long offset = 0; offset < original.Length; offset += ChunkSize)
        {
            var length = (int)Math.Min(ChunkSize, original.Length - offset);
            await original.ReadAtAsync(offset, expected.AsMemory(0, length));
            await snapshot.ReadAsync(offset, actual.AsMemory(0, length));
            if (!expected.AsSpan(0, length).SequenceEqual(actual.AsSpan(0, length)))
            {
                throw new InvalidDataException($"The snapshot differs from the image within [{offset}, {offset + length}).");
            }
        }
    }
}
