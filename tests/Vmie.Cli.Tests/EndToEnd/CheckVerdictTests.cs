using System.Diagnostics;
using System.Text.Json;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// `vmie check` exit codes on the verdict images of the guest inspection tests that need no rootfs: size limits
/// declared by tiny VHDX files, a legacy-BIOS MBR disk without boot code, and the timing of an 8 GiB image.
/// </summary>
public sealed class CheckVerdictTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");

    private static Task<ProcessResult> CheckAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Cli, "check", .. arguments], timeout: TimeSpan.FromMinutes(2));

    [SkippableFact]
    public async Task A_vhdx_declaring_9_TiB_would_fail_and_one_declaring_17_TiB_cannot_be_read()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        foreach (var (name, size) in new[] { ("9t.vhdx", "9T"), ("17t.vhdx", "17T") })
        {
            var created = await ProcessRunner.RunAsync(qemuImg, ["create", "-q", "-f", "vhdx", work.File(name), size]);
            Assert.True(created.ExitCode == 0, created.ToString());
        }

        var large = await CheckAsync("--json", work.File("9t.vhdx"));

        Assert.True(large.ExitCode == 1, large.ToString());
        var verdicts = JsonDocument.Parse(large.StandardOutput).RootElement.GetProperty("verdicts").EnumerateArray().ToList();
        var tooLarge = Assert.Single(verdicts, verdict => verdict.GetProperty("code").GetString() == "disk-too-large");
        Assert.Equal("Fail", tooLarge.GetProperty("severity").GetString());
        Assert.Equal("ClientError: Disk validation failed [ImportImage supports disks smaller than 8 TiB]", tooLarge.GetProperty("statusMessage").GetString());

        // Vmie.Disks refuses images of 16 TiB or more when it opens them: the image is unreadable, not judged.
        var tooLargeToOpen = await CheckAsync(work.File("17t.vhdx"));

        Assert.True(tooLargeToOpen.ExitCode == 2, tooLargeToOpen.ToString());
        Assert.Contains("smaller than 16 TiB", tooLargeToOpen.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_mbr_disk_without_boot_code_has_no_bootable_partition()
    {
        var sfdisk = RequiredTool.Require("sfdisk", "fdisk");
        using var work = new TemporaryDirectory();
        await TinyDebianImage.WriteAsync(work.File("gpt.img"), 1L << 30);
        var disk = work.File("mbr.img");
        using (var file = new FileStream(disk, FileMode.Create))
        {
            file.SetLength(1L << 30);
        }

        // The tiny image's root (400 MiB at 2 MiB) moved onto an MBR disk whose sector 0 holds no boot code.
        var partitioned = await RunWithInputAsync(sfdisk, "label: dos\nstart=4096, size=819200, type=83, bootable\n", "--quiet", disk);
        Assert.True(partitioned.ExitCode == 0, partitioned.ToString());
        await using (var source = File.OpenRead(work.File("gpt.img")))
        await using (var target = new FileStream(disk, FileMode.Open, FileAccess.Write))
        {
            var buffer = new byte[1 << 20];
            for (long offset = 2 << 20; offset < (402L << 20); offset += buffer.Length)
            {
                source.Position = offset;
                await source.ReadExactlyAsync(buffer);
                if (buffer.AsSpan().ContainsAnyExcept((byte)0))
                {
                    target.Position = offset;
                    await target.WriteAsync(buffer);
                }
            }
        }

        var result = await CheckAsync(disk);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("FAIL no-bootable-partition: Client.Unsupported: No bootable partition found.", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The 5-second bound is asserted by the inspector's own tests; here the whole command's time is recorded.</summary>
    [SkippableFact]
    public async Task An_8_GiB_image_is_checked_in_seconds()
    {
        using var work = new TemporaryDirectory();
        await TinyDebianImage.WriteAsync(work.File("disk.img"), 8L << 30);

        var watch = Stopwatch.StartNew();
        var result = await CheckAsync(work.File("disk.img"));
        watch.Stop();

        Console.WriteLine($"vmie check of an 8 GiB raw image: {watch.Elapsed.TotalMilliseconds:F0} ms (process start included)");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"vmie check took {watch.Elapsed}");
    }

    private static async Task<ProcessResult> RunWithInputAsync(string program, string input, params string[] arguments)
    {
        var script = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(script, input);
            return await ProcessRunner.RunAsync("sh", ["-c", "\"$0\" \"$@\" < \"$SCRIPT\"", program, .. arguments], environment: new Dictionary<string, string> { ["SCRIPT"] = script });
        }
        finally
        {
            File.Delete(script);
        }
    }
}
