using System.Security.Cryptography;
using Vmie.Ec2.Composition;
using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Tasks;
using Vmie.Guest.Inspection;
using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Tests.ImageImports;

/// <summary>
/// The import-image pipeline over the real file-system object store, snapshot store and importer, with real guests
/// built by <see cref="LinuxGuestImages"/> and converted by qemu-img.
/// </summary>
public sealed class ImageImportPipelineTests : IClassFixture<LinuxGuestImages>, IAsyncLifetime
{
    private const string Account = "111122223333";
    private const string Bucket = "images";

    private static readonly string[] Stages = [ImportTaskMessages.Validating, ImportTaskMessages.Validated, ImportTaskMessages.ImageConverting];

    private readonly LinuxGuestImages _images;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmie-ec2-pipeline", Guid.NewGuid().ToString("N"));
    private readonly RecordingImageImportReporter _reporter = new();
    private MetadataDatabase _database = null!;
    private FileSystemObjectStore _objects = null!;
    private FileSnapshotStore _snapshots = null!;

    public ImageImportPipelineTests(LinuxGuestImages images)
    {
        _images = images;
    }

    public async Task InitializeAsync()
    {
        _database = new MetadataDatabase(Path.Combine(_directory, "metadata.db"));
        _database.Migrate(FileSystemObjectStore.SchemaMigrations);
        _objects = new FileSystemObjectStore(_database, Path.Combine(_directory, "objects"));
        _snapshots = new FileSnapshotStore(_database, Path.Combine(_directory, "snapshots"));
        await _objects.CreateBucketAsync(Bucket, Account, "eu-central-1");
    }

    public Task DisposeAsync()
    {
        _snapshots.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp directory cleanup.
        }

        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task An_ova_with_one_disk_becomes_one_snapshot_and_the_decisions()
    {
        var vmdk = ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk");
        var ova = OvaFile.Write(Path.Combine(_images.Scratch, "single.ova"), [(vmdk, new FileInfo(_images.BiosOnly).Length)]);
        await UploadAsync("vm/single.ova", ova);

        var outcome = await RunAsync([new ImageImportDisk(Bucket, "vm/single.ova", "ova", "My Server OVA")]);

        var disk = Assert.Single(outcome.Disks);
        Assert.Equal(("snap-0", "/dev/sda1", "VMDK", 0, 0), (disk.SnapshotId, disk.DeviceName, disk.Format, disk.Index, disk.ContainerIndex));
        Assert.Equal(new FileInfo(vmdk).Length, disk.DiskImageSize);
        Assert.Equal("My Server OVA", disk.Description);
        Assert.True(disk.DataBytes > 0 && disk.DataBytes < disk.Capacity);
        await AssertSnapshotEqualsAsync("snap-0", vmdk);

        var decisions = outcome.Decisions;
        Assert.Null(decisions.Platform);
        Assert.Equal(("x86_64", ImageBootMode.LegacyBios, true, OperatingSystemKind.Linux), (decisions.Architecture, decisions.BootMode, decisions.EnaSupport, decisions.OperatingSystem));
        Assert.Equal(BootModes.LegacyBios, decisions.SupportedBootModes);
        Assert.Null(decisions.IsWindowsServer);
        Assert.False(decisions.GptToMbrConversion);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", decisions.OperatingSystemName);
        Assert.True(outcome.Inspection.WouldImportSucceed);

        Assert.Equal(Stages, _reporter.Stages);
        Assert.Empty(_reporter.ProgressErrors);
        Assert.Equal(disk.Capacity, _reporter.LastOverall);
        var updates = _reporter.DiskUpdates.ToList();
        Assert.Equal([ImportTaskMessages.Validating, ImportTaskMessages.Validated, ImportTaskMessages.ImageConverting, null], updates.Select(update => update.StatusMessage));
        Assert.Equal(ImportTaskStatus.Completed, updates[^1].Status);
        Assert.All(updates, update => Assert.Equal(("/dev/sda1", "snap-0", "VMDK"), (update.DeviceName, update.SnapshotId, update.Format)));
    }

    [SkippableFact]
    public async Task Two_vmdks_become_two_snapshots_on_sda1_and_sdb()
    {
        await UploadAsync("vm/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        await UploadAsync("vm/disk2.vmdk", ImageTool.Convert(_images.Data, "vmdk", ".vmdk"));

        var outcome = await RunAsync([new ImageImportDisk(Bucket, "vm/disk1.vmdk", "vmdk", "First disk"), new ImageImportDisk(Bucket, "vm/disk2.vmdk", "VMDK", "Second disk")]);

        Assert.Equal(["/dev/sda1", "/dev/sdb"], outcome.Disks.Select(disk => disk.DeviceName));
        Assert.Equal(["snap-0", "snap-1"], outcome.Disks.Select(disk => disk.SnapshotId));
        Assert.Equal([0, 1], outcome.Disks.Select(disk => disk.ContainerIndex));
        Assert.Equal(["First disk", "Second disk"], outcome.Disks.Select(disk => disk.Description));
        await AssertSnapshotEqualsAsync("snap-0", _images.BiosOnly);
        await AssertSnapshotEqualsAsync("snap-1", _images.Data);
        Assert.Equal(outcome.Disks.Sum(disk => disk.Capacity), _reporter.LastOverall);
        Assert.Empty(_reporter.ProgressErrors);
    }

    [SkippableFact]
    public async Task An_ova_with_two_disks_converts_both_in_parallel_from_the_one_object()
    {
        var boot = ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk");
        var data = ImageTool.Convert(_images.Data, "vhdx", ".vhdx");
        var ova = OvaFile.Write(Path.Combine(_images.Scratch, "two.ova"), [(boot, new FileInfo(_images.BiosOnly).Length), (data, new FileInfo(_images.Data).Length)]);
        await UploadAsync("vm/two.ova", ova);

        var outcome = await RunAsync([new ImageImportDisk(Bucket, "vm/two.ova", "OVA", null)]);

        Assert.Equal([("/dev/sda1", "VMDK", 0), ("/dev/sdb", "VHDX", 0)], outcome.Disks.Select(disk => (disk.DeviceName, disk.Format, disk.ContainerIndex)));
        Assert.Equal([new FileInfo(boot).Length, new FileInfo(data).Length], outcome.Disks.Select(disk => disk.DiskImageSize));
        await AssertSnapshotEqualsAsync("snap-0", _images.BiosOnly);
        await AssertSnapshotEqualsAsync("snap-1", _images.Data);
        Assert.Empty(_reporter.ProgressErrors);
    }

    [SkippableTheory]
    [InlineData("vpc", ".vhd", "VHD")]
    [InlineData("vhdx", ".vhdx", "VHDX")]
    [InlineData("raw", ".raw", "RAW")]
    public async Task Each_disk_format_converts_to_the_bytes_qemu_img_reads(string qemuFormat, string extension, string declared)
    {
        var image = qemuFormat == "raw" ? _images.BiosOnly : ImageTool.Convert(_images.BiosOnly, qemuFormat, extension);
        await UploadAsync("vm/disk" + extension, image);

        var outcome = await RunAsync([new ImageImportDisk(Bucket, "vm/disk" + extension, declared.ToLowerInvariant(), null)]);

        var disk = Assert.Single(outcome.Disks);
        Assert.Equal((declared, new FileInfo(image).Length), (disk.Format, disk.DiskImageSize));
        await AssertSnapshotEqualsAsync(disk.SnapshotId, image);
        Assert.Equal(ImageBootMode.LegacyBios, outcome.Decisions.BootMode);
    }

    [SkippableFact]
    public async Task A_guest_inspection_refuses_fails_while_validating_and_leaves_no_snapshot()
    {
        await UploadAsync("vm/noos.vhdx", ImageTool.Convert(_images.WithoutOsRelease, "vhdx", ".vhdx"));

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync([new ImageImportDisk(Bucket, "vm/noos.vhdx", "VHDX", null)]));

        Assert.Equal(ImportStatusMessages.UnknownOs, failure.StatusMessage);
        Assert.Equal([ImportTaskMessages.Validating], _reporter.Stages);
        await AssertNoSnapshotsAsync("snap-0");
    }

    [SkippableFact]
    public async Task A_requested_boot_mode_the_guest_cannot_boot_fails_before_converting()
    {
        await UploadAsync("vm/bios.vhdx", ImageTool.Convert(_images.BiosOnly, "vhdx", ".vhdx"));

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(
            () => RunAsync([new ImageImportDisk(Bucket, "vm/bios.vhdx", "VHDX", null)], new ImageImportRequestFacts(Account, BootMode: "uefi")));

        Assert.Equal(ImportTaskMessages.BootModeUnsupported("uefi", "legacy-bios"), failure.StatusMessage);
        Assert.DoesNotContain(ImportTaskMessages.ImageConverting, _reporter.Stages);
        await AssertNoSnapshotsAsync("snap-0");
    }

    [SkippableTheory]
    [InlineData(null, ImageBootMode.LegacyBios)]
    [InlineData("uefi-preferred", ImageBootMode.Uefi)]
    [InlineData("uefi", ImageBootMode.Uefi)]
    [InlineData("legacy-bios", ImageBootMode.LegacyBios)]
    public async Task A_guest_that_boots_both_ways_takes_the_requested_mode_or_legacy_bios(string? requested, string expected)
    {
        await UploadAsync("vm/both.vhdx", ImageTool.Convert(_images.BiosAndUefi, "vhdx", ".vhdx"));

        var outcome = await RunAsync([new ImageImportDisk(Bucket, "vm/both.vhdx", "VHDX", null)], new ImageImportRequestFacts(Account, BootMode: requested));

        Assert.Equal(BootModes.LegacyBios | BootModes.Uefi, outcome.Decisions.SupportedBootModes);
        Assert.Equal(expected, outcome.Decisions.BootMode);
    }

    [SkippableFact]
    public async Task A_requested_architecture_that_contradicts_the_guest_fails()
    {
        await UploadAsync("vm/bios.vhdx", ImageTool.Convert(_images.BiosOnly, "vhdx", ".vhdx"));

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(
            () => RunAsync([new ImageImportDisk(Bucket, "vm/bios.vhdx", "VHDX", null)], new ImageImportRequestFacts(Account, Architecture: "i386", Platform: "Linux")));

        Assert.Equal(ImportTaskMessages.ArchitectureMismatch("i386", "x86_64"), failure.StatusMessage);
        await AssertNoSnapshotsAsync("snap-0");
    }

    [SkippableFact]
    public async Task Cancelling_after_the_first_disk_is_converted_leaves_no_snapshot()
    {
        await UploadAsync("vm/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        await UploadAsync("vm/disk2.vmdk", ImageTool.Convert(_images.Data, "vmdk", ".vmdk"));
        using var cancellation = new CancellationTokenSource();
        _reporter.OnDisk = update =>
        {
            if (update.Status == ImportTaskStatus.Completed)
            {
                cancellation.Cancel();
            }
        };

        // One conversion at a time: the second disk is still waiting or converting when the first completes.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(
            [new ImageImportDisk(Bucket, "vm/disk1.vmdk", "VMDK", null), new ImageImportDisk(Bucket, "vm/disk2.vmdk", "VMDK", null)],
            conversionConcurrency: 1,
            cancellationToken: cancellation.Token));

        Assert.Contains(_reporter.DiskUpdates, update => update.Status == ImportTaskStatus.Completed);
        await AssertNoSnapshotsAsync("snap-0", "snap-1");
    }

    [SkippableFact]
    public async Task A_damaged_second_disk_releases_the_first_disks_snapshot()
    {
        await UploadAsync("vm/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        var damaged = Path.Combine(_images.Scratch, "damaged.vmdk");
        File.Copy(ImageTool.Convert(_images.Data, "vmdk", ".vmdk"), damaged, overwrite: true);
        using (var file = new FileStream(damaged, FileMode.Open, FileAccess.Write))
        {
            // Garbage over grains in the middle of the disk, which inspection does not read (the header, grain
            // directory and footer stay intact): the damage shows only while converting.
            file.Position = file.Length / 2;
            var noise = new byte[1 << 20];
            new Random(7).NextBytes(noise);
            file.Write(noise);
        }

        await UploadAsync("vm/disk2.vmdk", damaged);

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync(
            [new ImageImportDisk(Bucket, "vm/disk1.vmdk", "VMDK", null), new ImageImportDisk(Bucket, "vm/disk2.vmdk", "VMDK", null)],
            conversionConcurrency: 1));

        Assert.StartsWith("ClientError: Disk validation failed [", failure.StatusMessage, StringComparison.Ordinal);
        Assert.Contains(ImportTaskMessages.ImageConverting, _reporter.Stages);
        Assert.Contains(_reporter.DiskUpdates, update => update.Index == 0 && update.Status == ImportTaskStatus.Completed);
        await AssertNoSnapshotsAsync("snap-0", "snap-1");
    }

    [SkippableFact]
    public async Task More_than_21_containers_fail_with_the_limit_message()
    {
        await UploadAsync("vm/data.raw", _images.Data);
        var containers = Enumerable.Range(0, 22).Select(_ => new ImageImportDisk(Bucket, "vm/data.raw", "RAW", null)).ToList();

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync(containers));

        Assert.Equal(ImportTaskMessages.TooManyDisks, failure.StatusMessage);
    }

    [SkippableFact]
    public async Task An_ova_of_22_disks_fails_with_the_limit_message()
    {
        var small = Path.Combine(_images.Scratch, "small.raw");
        File.WriteAllBytes(small, new byte[1 << 20]);
        var ova = OvaFile.Write(Path.Combine(_images.Scratch, "many.ova"), [.. Enumerable.Repeat((small, (long)(1 << 20)), 22)]);
        await UploadAsync("vm/many.ova", ova);

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync([new ImageImportDisk(Bucket, "vm/many.ova", "OVA", null)]));

        Assert.Equal(ImportTaskMessages.TooManyDisks, failure.StatusMessage);
    }

    [SkippableTheory]
    [InlineData("9T")]
    [InlineData("8T")]
    public async Task A_disk_of_8_tib_or_more_fails_with_the_import_image_limit(string size)
    {
        var failure = await RunHugeVhdxAsync(size);

        Assert.Equal(ImportTaskMessages.ImportImageDiskTooLarge, failure.StatusMessage);
    }

    /// <summary>The disk readers refuse 16 TiB and more when opening, in their own words.</summary>
    [SkippableFact]
    public async Task A_disk_of_16_tib_or_more_fails_as_too_large_for_any_import()
    {
        var failure = await RunHugeVhdxAsync("17T");

        Assert.StartsWith("ClientError: Disk validation failed [", failure.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("disk images must be smaller than 16 TiB", failure.StatusMessage, StringComparison.Ordinal);
    }

    private async Task<ImportTaskFailedException> RunHugeVhdxAsync(string size)
    {
        var path = Path.Combine(_images.Scratch, $"huge-{size}.vhdx");
        if (!File.Exists(path))
        {
            ImageTool.Run("qemu-img", "qemu-utils", "create", "-q", "-f", "vhdx", path, size);
        }

        await UploadAsync("vm/huge.vhdx", path);
        return await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync([new ImageImportDisk(Bucket, "vm/huge.vhdx", "VHDX", null)]));
    }

    [SkippableFact]
    public async Task A_declared_format_that_is_not_the_content_fails()
    {
        await UploadAsync("vm/disk.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync([new ImageImportDisk(Bucket, "vm/disk.vmdk", "VHD", null)]));

        Assert.Equal("ClientError: Disk validation failed [The file is a VMDK image, not VHD; declare the format VMDK]", failure.StatusMessage);
    }

    [SkippableFact]
    public async Task A_vmdk_that_is_not_stream_optimized_fails()
    {
        var sparse = Path.Combine(_images.Scratch, "sparse.vmdk");
        if (!File.Exists(sparse))
        {
            ImageTool.Run("qemu-img", "qemu-utils", "convert", "-O", "vmdk", _images.Data, sparse);
        }

        await UploadAsync("vm/sparse.vmdk", sparse);

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync([new ImageImportDisk(Bucket, "vm/sparse.vmdk", "VMDK", null)]));

        Assert.Equal(ImportTaskMessages.UnsupportedVmdk, failure.StatusMessage);
    }

    [SkippableFact]
    public async Task An_ova_among_other_containers_fails()
    {
        await UploadAsync("vm/data.raw", _images.Data);

        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync(
            [new ImageImportDisk(Bucket, "vm/data.raw", "RAW", null), new ImageImportDisk(Bucket, "vm/any.ova", "OVA", null)]));

        Assert.Equal(ImportTaskMessages.OvaNotSoleContainer, failure.StatusMessage);
    }

    [SkippableFact]
    public async Task A_missing_source_object_fails_with_aws_wording()
    {
        var failure = await Assert.ThrowsAsync<ImportTaskFailedException>(() => RunAsync([new ImageImportDisk(Bucket, "vm/none.vmdk", "VMDK", null)]));

        Assert.Equal(ImportTaskMessages.SourceNotFound, failure.StatusMessage);
    }

    [SkippableFact]
    public async Task Conversions_of_several_tasks_stay_within_the_process_budget()
    {
        await UploadAsync("vm/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        await UploadAsync("vm/disk2.vmdk", ImageTool.Convert(_images.Data, "vmdk", ".vmdk"));
        await UploadAsync("vm/disk3.raw", _images.Data);
        var importer = new ConcurrencyCountingImporter(new SnapshotImporter(_snapshots));
        using var budget = new ConversionBudget(new Ec2Options { ConversionConcurrency = 2 });
        var pipeline = new ImageImportPipeline(_objects, importer, _snapshots, budget);
        ImageImportDisk[] containers =
        [
            new(Bucket, "vm/disk1.vmdk", "VMDK", null),
            new(Bucket, "vm/disk2.vmdk", "VMDK", null),
            new(Bucket, "vm/disk3.raw", "RAW", null),
        ];

        var runs = Enumerable.Range(0, 2).Select(task => pipeline.RunAsync(
            containers, new ImageImportRequestFacts(Account), [.. Enumerable.Range(0, 3).Select(disk => $"snap-{task}{disk}")], new RecordingImageImportReporter(), CancellationToken.None));
        var outcomes = await Task.WhenAll(runs);

        Assert.All(outcomes, outcome => Assert.Equal(3, outcome.Disks.Count));
        Assert.Equal(6, importer.Calls);
        Assert.InRange(importer.MaxConcurrent, 1, 2);
        Assert.Equal(0, budget.InUse);
    }

    private async Task<ImageImportOutcome> RunAsync(
        IReadOnlyList<ImageImportDisk> containers,
        ImageImportRequestFacts? request = null,
        int conversionConcurrency = 2,
        CancellationToken cancellationToken = default)
    {
        using var budget = new ConversionBudget(new Ec2Options { ConversionConcurrency = conversionConcurrency });
        var pipeline = new ImageImportPipeline(_objects, new SnapshotImporter(_snapshots), _snapshots, budget);
        var snapshotIds = Enumerable.Range(0, ImageImportPipeline.MaxDisks).Select(index => $"snap-{index}").ToList();
        return await pipeline.RunAsync(containers, request ?? new ImageImportRequestFacts(Account), snapshotIds, _reporter, cancellationToken);
    }

    private async Task UploadAsync(string key, string path)
    {
        await using var body = File.OpenRead(path);
        await _objects.PutObjectAsync(Bucket, key, body, ObjectWriteOptions.Default);
    }

    /// <summary>The snapshot reads back as the bytes qemu-img reads from the source image.</summary>
    private async Task AssertSnapshotEqualsAsync(string snapshotId, string sourceImage)
    {
        var raw = sourceImage;
        if (Path.GetExtension(sourceImage) != ".raw")
        {
            raw = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".raw");
            ImageTool.Run("qemu-img", "qemu-utils", "convert", "-O", "raw", sourceImage, raw);
        }

        await using var disk = await _snapshots.OpenAsync(snapshotId);
        Assert.Equal(new FileInfo(raw).Length, disk.Capacity);
        using var snapshotHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long offset = 0; offset < disk.Capacity;)
        {
            var read = await disk.ReadAsync(offset, buffer);
            Assert.True(read > 0);
            snapshotHash.AppendData(buffer, 0, read);
            offset += read;
        }

        await using var file = File.OpenRead(raw);
        Assert.Equal(Convert.ToHexString(await SHA256.HashDataAsync(file)), Convert.ToHexString(snapshotHash.GetHashAndReset()));
        if (raw != sourceImage)
        {
            File.Delete(raw);
        }
    }

    private async Task AssertNoSnapshotsAsync(params string[] snapshotIds)
    {
        foreach (var snapshotId in snapshotIds)
        {
            await Assert.ThrowsAsync<KeyNotFoundException>(() => _snapshots.OpenAsync(snapshotId));
        }

        Assert.Equal(0, await _snapshots.StoredBytesAsync());
    }

    /// <summary>Counts how many imports run at once.</summary>
    private sealed class ConcurrencyCountingImporter(ISnapshotImporter inner) : ISnapshotImporter
    {
        private int _running;
        private int _maxConcurrent;
        private int _calls;

        public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

        public int Calls => Volatile.Read(ref _calls);

        public async Task<SnapshotImportResult> ImportAsync(Vmie.Disks.Abstractions.IVirtualDisk source, string snapshotId, IProgress<long>? bytesProcessed, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            var running = Interlocked.Increment(ref _running);
            int max;
            while (running > (max = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, running, max) != max)
            {
            }

            try
            {
                // Long enough for the other task's conversions to overlap if the budget let them.
                await Task.Delay(100, cancellationToken);
                return await inner.ImportAsync(source, snapshotId, bytesProcessed, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
