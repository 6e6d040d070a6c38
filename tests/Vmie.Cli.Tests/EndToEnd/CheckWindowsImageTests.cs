using System.Text.Json;
using Vmie.Cli.Tests.Infrastructure;
using Vmie.Guest.Inspection;
using Vmie.Guest.Tests.Inspection;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>`vmie check` on Windows disk images (an MBR disk with System Reserved and C:, written by the guest tests' builders).</summary>
public sealed class CheckWindowsImageTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");

    private static Task<ProcessResult> CheckAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Cli, "check", .. arguments], timeout: TimeSpan.FromMinutes(2));

    [SkippableFact]
    public async Task A_healthy_windows_server_image_would_import_with_its_boot_facts()
    {
        var disk = WindowsImage.Disk(new WindowsImageDescription("cli-healthy"));

        var plain = await CheckAsync(disk);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("os: Windows Server 2019 Standard (Windows, x86_64) on /dev/sda2", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("boot mode: legacy-bios", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  /dev/sda1 (active partition): /bootmgr, /Boot/BCD → legacy BIOS.", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("windows boot: default legacy-bios, GPT to MBR conversion no, EMS off", plain.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("result: an AWS-style import would succeed", plain.StandardOutput.TrimEnd(), StringComparison.Ordinal);

        var json = await CheckAsync("--json", disk);

        Assert.True(json.ExitCode == 0, json.ToString());
        var report = JsonDocument.Parse(json.StandardOutput).RootElement;
        Assert.Equal("Windows", report.GetProperty("operatingSystem").GetProperty("kind").GetString());
        var boot = report.GetProperty("windowsBoot");
        Assert.Equal("legacy-bios", boot.GetProperty("supportedModes").GetString());
        Assert.Equal("legacy-bios", boot.GetProperty("defaultMode").GetString());
        Assert.False(boot.GetProperty("gptToMbrConversion").GetBoolean());
        Assert.False(boot.GetProperty("emsEnabled").GetBoolean());
    }

    [SkippableFact]
    public async Task A_windows_server_with_the_hyper_v_role_would_fail_with_first_boot_failure()
    {
        var disk = WindowsImage.Disk(new WindowsImageDescription("cli-hyper-v") { HyperVRole = true, Ems = true });

        var plain = await CheckAsync(disk);

        Assert.True(plain.ExitCode == 1, plain.ToString());
        Assert.Contains($"FAIL windows-hyper-v-role: {ImportStatusMessages.WindowsFirstBootFailure}", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("WARNING windows-ems: ", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("windows boot: default legacy-bios, GPT to MBR conversion no, EMS on", plain.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("result: an AWS-style import would fail", plain.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }
}
