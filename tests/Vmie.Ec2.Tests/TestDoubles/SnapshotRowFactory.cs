using Microsoft.Data.Sqlite;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>Writes snapshot rows directly, for tests of the snapshot and tag services that need no import.</summary>
internal static class SnapshotRowFactory
{
    public static async Task<SnapshotRecord> InsertAsync(Ec2TestHost host, Func<SnapshotRecord, SnapshotRecord>? customize = null, string? accountId = null, string? region = null)
    {
        var record = new SnapshotRecord
        {
            Id = ResourceKind.Snapshot.NewId(),
            AccountId = accountId ?? Ec2TestHost.Account,
            Region = region ?? Ec2TestHost.Region,
            VolumeId = "vol-ffffffff",
            VolumeSize = 8,
            Capacity = 8L << 30,
            DataBytes = 1L << 30,
            State = "completed",
            Progress = "100%",
            Description = "test snapshot",
            StartTime = new DateTimeOffset(2025, 7, 15, 10, 30, 0, TimeSpan.Zero),
            CompletionTime = new DateTimeOffset(2025, 7, 15, 10, 45, 0, TimeSpan.Zero),
        };
        record = customize?.Invoke(record) ?? record;

        await using var connection = host.Database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await SnapshotRepository.InsertAsync(connection, transaction, record, CancellationToken.None);
        await transaction.CommitAsync();
        host.Snapshots.AddEmpty(record.Id, record.Capacity);
        return Assert.Single(await host.SnapshotRows.FindManyAsync(record.AccountId, record.Region, [record.Id]));
    }
}
