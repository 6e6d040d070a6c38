using Vmie.Guest.Inspection;
using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Inspection;

public sealed class WindowsVerdictRulesTests
{
    private static WindowsInspection Server2019(Func<WindowsInspection, WindowsInspection>? change = null)
    {
        var inspection = new WindowsInspection
        {
            SystemRoot = "/Windows",
            Architecture = WindowsArchitecture.X64,
            ArchitectureEvidence = "/Windows/system32/cmd.exe: PE machine 0x8664",
            Version = new WindowsCurrentVersion { ProductName = "Windows Server 2019 Datacenter", EditionId = "ServerDatacenter", InstallationTypeValue = "Server", MajorVersion = 10, MinorVersion = 0, Build = 17763 },
            Product = WindowsProduct.WindowsServer2019,
            Edition = WindowsEdition.Datacenter,
            InstallationType = WindowsInstallationType.Server,
            System = new WindowsSystemSettings { ControlSet = "ControlSet001", InstallLanguage = WindowsLanguage.FromId(0x0409), DefaultUiLanguage = WindowsLanguage.FromId(0x0409) },
        };
        return change is null ? inspection : change(inspection);
    }

    private static IReadOnlyList<Verdict> Failures(WindowsInspection windows) =>
        [.. WindowsVerdictRules.Evaluate(windows, "/dev/sda2").Where(verdict => verdict.Severity == VerdictSeverity.Fail)];

    [Fact]
    public void A_supported_english_server_passes() => Assert.Empty(Failures(Server2019()));

    [Fact]
    public void An_unknown_version_is_an_unknown_os()
    {
        var failure = Assert.Single(Failures(Server2019(w => w with { Product = WindowsProduct.Unknown })));
        Assert.Equal("ClientError: Unknown OS / Missing OS files", failure.StatusMessage);
        Assert.Contains("Windows Server 2019 Datacenter", failure.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_german_installation_fails_naming_its_language()
    {
        var german = Server2019(w => w with { System = w.System! with { InstallLanguage = WindowsLanguage.FromId(0x0407), DefaultUiLanguage = WindowsLanguage.FromId(0x0407) } });
        var failure = Assert.Single(Failures(german));
        Assert.Equal("windows-language", failure.Code);
        Assert.Contains("0407", failure.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hyper_v_role_ends_in_the_documented_first_boot_failure()
    {
        var failure = Assert.Single(Failures(Server2019(w => w with { System = w.System! with { HasHyperVRole = true } })));
        Assert.Equal("FirstBootFailure: This import request failed because the Windows instance failed to boot and establish network connectivity.", failure.StatusMessage);
    }

    [Fact]
    public void Nano_server_and_arm64_are_refused()
    {
        Assert.Equal("windows-nano-server", Assert.Single(Failures(Server2019(w => w with { InstallationType = WindowsInstallationType.NanoServer }))).Code);
        Assert.Equal("arm64", Assert.Single(Failures(Server2019(w => w with { Architecture = WindowsArchitecture.Arm64 }))).Code);
    }

    [Fact]
    public void Bits_and_editions_follow_the_support_table()
    {
        var windows7x86 = Server2019(w => w with
        {
            Architecture = WindowsArchitecture.X86,
            Product = WindowsProduct.Windows7,
            InstallationType = WindowsInstallationType.Client,
            Version = w.Version! with { ProductName = "Windows 7 Professional", EditionId = "Professional", MajorVersion = 6, MinorVersion = 1, Build = 7601 },
        });
        Assert.Empty(Failures(windows7x86));
        Assert.Contains(WindowsVerdictRules.Evaluate(windows7x86, "/dev/sda1"), verdict => verdict.Code == "windows-end-of-life");

        var windows81x86 = windows7x86 with { Product = WindowsProduct.Windows81, Version = windows7x86.Version! with { ProductName = "Windows 8.1 Pro" } };
        Assert.Equal("windows-bits", Assert.Single(Failures(windows81x86)).Code);

        var essentials = Server2019(w => w with { Version = w.Version! with { EditionId = "ServerSolution" } });
        Assert.Equal("windows-edition", Assert.Single(Failures(essentials)).Code);
    }

    [Fact]
    public void Pagefile_free_space_and_uefi_needs_are_warnings()
    {
        var windows11 = Server2019(w => w with
        {
            Product = WindowsProduct.Windows11,
            InstallationType = WindowsInstallationType.Client,
            Version = w.Version! with { ProductName = "Windows 11 Pro", EditionId = "Professional", Build = 22631 },
            SystemVolumeSpace = new VolumeSpace(64L << 30, 2L << 30),
        });

        var verdicts = WindowsVerdictRules.Evaluate(windows11, "/dev/sda3");

        Assert.DoesNotContain(verdicts, verdict => verdict.Severity == VerdictSeverity.Fail);
        Assert.Contains(verdicts, verdict => verdict.Code == "windows-requires-uefi");
        Assert.Contains(verdicts, verdict => verdict.Code == "windows-free-space" && verdict.StatusMessage.StartsWith("Warning: Only 2048 MiB free", StringComparison.Ordinal));
    }
}
