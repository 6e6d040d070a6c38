using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Vmie.Ec2.Images;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Persistence;

public sealed class ImageRepositoryTests
{
    private static SnapshotRecord Snapshot(string id) => new()
    {
        Id = id,
        AccountId = Ec2TestHost.Account,
        Region = Ec2TestHost.Region,
        VolumeId = "vol-ffffffff",
        VolumeSize = 2,
        Capacity = 2L << 30,
        State = "completed",
        Progress = "100%",
        StartTime = DateTimeOffset.UnixEpoch,
    };

    private static ImageRecord ImportedImage(string taskId, params string[] snapshotIds) => new()
    {
        Id = ResourceKind.Image.NewId(),
        AccountId = Ec2TestHost.Account,
        Region = Ec2TestHost.Region,
        Name = taskId,
        Description = "AWS-VMImport service: Linux - Debian 12",
        State = "available",
        Architecture = "x86_64",
        Platform = "windows",
        PlatformDetails = "Windows BYOL",
        UsageOperation = "RunInstances:0800",
        BootMode = "uefi",
        EnaSupport = true,
        RootDeviceName = DeviceNames.ForImportedDisk(0),
        CreationDate = new DateTimeOffset(2025, 7, 15, 10, 30, 0, 123, TimeSpan.Zero),
        SourceTaskId = taskId,
        BlockDevices = snapshotIds.Select((id, i) => new ImageBlockDeviceRecord
        {
            DeviceName = DeviceNames.ForImportedDisk(i),
            SnapshotId = id,
            VolumeSize = 2,
            VolumeType = "gp2",
            Encrypted = true,
            KmsKeyId = "alias/k",
        }).ToList(),
    };

    [Fact]
    public async Task The_pipeline_inserts_snapshots_and_the_ami_in_its_own_transaction()
    {
        await using var host = Ec2TestHost.Create();
        var snapshots = new[] { ResourceKind.Snapshot.NewId(), ResourceKind.Snapshot.NewId() };
        var image = ImportedImage("import-ami-0123456789abcdef0", snapshots);

        await using (var connection = host.Database.OpenConnection())
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var id in snapshots)
            {
                await SnapshotRepository.InsertAsync(connection, transaction, Snapshot(id), CancellationToken.None);
            }

            var outcome = await ImageRepository.InsertAsync(connection, transaction, image, [], CancellationToken.None);
            Assert.Equal(ImageInsertResult.Inserted, outcome.Result);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await host.ImageRows.ListAsync(Ec2TestHost.Account, Ec2TestHost.Region, 0, 10));

        await using (var connection = host.Database.OpenConnection())
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var id in snapshots)
            {
                await SnapshotRepository.InsertAsync(connection, transaction, Snapshot(id), CancellationToken.None);
            }

            Assert.Equal(ImageInsertResult.Inserted, (await ImageRepository.InsertAsync(connection, transaction, image, [new ResourceTag("k", "v")], CancellationToken.None)).Result);
            await transaction.CommitAsync();
        }

        await using var restarted = host.Restart();
        var stored = Assert.Single(await restarted.ImageRows.FindManyAsync(Ec2TestHost.Account, Ec2TestHost.Region, [image.Id]));
        Assert.Equal(image with { Sequence = stored.Sequence, BlockDevices = stored.BlockDevices }, stored);
        Assert.Equal(image.BlockDevices, stored.BlockDevices);
        Assert.Equal(["/dev/sda1", "/dev/sdb"], stored.BlockDevices.Select(d => d.DeviceName));
        Assert.Equal("v", Assert.Single((await restarted.Services.GetRequiredService<TagRepository>().GetAsync([image.Id]))[image.Id]).Value);
    }

    [Fact]
    public async Task Insert_refuses_a_taken_name_or_a_missing_snapshot_and_writes_nothing()
    {
        await using var host = Ec2TestHost.Create();
        var snapshot = await SnapshotRowFactory.InsertAsync(host);
        var first = ImportedImage("same-name", snapshot.Id);
        Assert.Equal(ImageInsertResult.Inserted, (await host.ImageRows.InsertAsync(first, [])).Result);

        Assert.Equal(new ImageInsertOutcome(ImageInsertResult.NameTaken, first.Id), await host.ImageRows.InsertAsync(ImportedImage("same-name", snapshot.Id), []));
        var missing = ResourceKind.Snapshot.NewId();
        Assert.Equal(new ImageInsertOutcome(ImageInsertResult.SnapshotNotFound, missing), await host.ImageRows.InsertAsync(ImportedImage("other", snapshot.Id, missing), []));
        Assert.Single(await host.ImageRows.ListAsync(Ec2TestHost.Account, Ec2TestHost.Region, 0, 10));
        await Assert.ThrowsAsync<ArgumentException>(() => host.ImageRows.InsertAsync(ImportedImage("no-root", snapshot.Id) with { RootDeviceName = "/dev/xvda" }, []));
    }
}
