using System.Text.Json;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>`vmie info` and `vmie convert` as a user runs them (output piped: no progress bar).</summary>
public sealed class DiskCommandsTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");

    [Fact]
    public async Task Info_reports_format_sizes_and_allocated_data_as_json()
    {
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 64L << 20, [(10L << 20, 3L << 20)]);

        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "info", "--json", work.File("disk.raw")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var facts = JsonDocument.Parse(result.StandardOutput).RootElement;
        Assert.Equal("raw", facts.GetProperty("format").GetString());
        Assert.Equal(64L << 20, facts.GetProperty("virtualSize").GetInt64());
        Assert.Equal(3L << 20, facts.GetProperty("allocatedBytes").GetInt64());
    }

    [Fact]
    public async Task Convert_copies_a_raw_image_and_says_nothing_when_piped()
    {
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 32L << 20, [(0, 1L << 20), (20L << 20, 4096)]);

        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", work.File("disk.raw"), work.File("copy.img")]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.StandardOutput);
        await using var original = File.OpenRead(work.File("disk.raw"));
        await using var copy = File.OpenRead(work.File("copy.img"));
        Assert.True(await DiskImageFile.SameContentAsync(original, copy));
    }

    [SkippableFact]
    public async Task A_vmdk_from_qemu_converts_to_vhd_and_back_to_the_same_bytes()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 48L << 20, [(0, 1L << 20), (17L << 20, 3L << 20), ((48L << 20) - 4096, 4096)]);
        var made = await ProcessRunner.RunAsync(qemuImg, ["convert", "-O", "vmdk", "-o", "subformat=streamOptimized", work.File("disk.raw"), work.File("disk.vmdk")]);
        Assert.True(made.ExitCode == 0, made.ToString());

        var info = await ProcessRunner.RunAsync("dotnet", [Cli, "info", "--json", work.File("disk.vmdk")]);
        Assert.True(info.ExitCode == 0, info.ToString());
        var facts = JsonDocument.Parse(info.StandardOutput).RootElement;
        Assert.Equal("VMDK", facts.GetProperty("format").GetString());
        Assert.Equal("streamOptimized", facts.GetProperty("subformat").GetString());
        Assert.Equal(48L << 20, facts.GetProperty("virtualSize").GetInt64());

        foreach (var (target, file) in new[] { ("vhd", "disk.vhd"), ("vhd-fixed", "fixed.vhd") })
        {
            var toVhd = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--to", target, work.File("disk.vmdk"), work.File(file)]);
            Assert.True(toVhd.ExitCode == 0, toVhd.ToString());
            var back = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--to", "raw", work.File(file), work.File(file + ".raw")]);
            Assert.True(back.ExitCode == 0, back.ToString());
            await using var original = File.OpenRead(work.File("disk.raw"));
            await using var roundTrip = File.OpenRead(work.File(file + ".raw"));
            Assert.True(await DiskImageFile.SameContentAsync(original, roundTrip), $"{target} round trip changed the disk");
        }
    }

    [Fact]
    public async Task Convert_to_a_format_it_cannot_write_names_what_it_can()
    {
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 1L << 20, []);

        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", "--to", "qcow2", work.File("disk.raw"), work.File("disk.qcow2")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot write 'qcow2' images", result.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(work.File("disk.qcow2")));
    }

    [Fact]
    public async Task Info_on_a_missing_file_is_one_plain_line()
    {
        using var work = new TemporaryDirectory();
        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "info", work.File("nope.vmdk")]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("vmie info: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
