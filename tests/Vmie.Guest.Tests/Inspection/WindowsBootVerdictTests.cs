using Vmie.Disks.Detection;
using Vmie.Guest.Inspection;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>The boot-related Windows verdicts and the image format names <see cref="WindowsBootDetector"/> reads, on facts built by hand.</summary>
public sealed class WindowsBootVerdictTests
{
    private static readonly WindowsInspection Windows11 = new()
    {
        SystemRoot = "/Windows",
        Architecture = WindowsArchitecture.X64,
        ArchitectureEvidence = "/Windows/system32/cmd.exe: PE machine 0x8664",
        Version = new WindowsCurrentVersion { ProductName = "Windows 11 Pro", EditionId = "Professional", InstallationTypeValue = "Client", MajorVersion = 10, MinorVersion = 0, Build = 22631 },
        Product = WindowsProduct.Windows11,
        Edition = WindowsEdition.Professional,
        InstallationType = WindowsInstallationType.Client,
        System = new WindowsSystemSettings { ControlSet = "ControlSet001", InstallLanguage = WindowsLanguage.FromId(0x0409), DefaultUiLanguage = WindowsLanguage.FromId(0x0409) },
    };

    private static WindowsBootInspection Boot(WindowsBootModes supported, WindowsBootModes defaultMode, bool conversion = false, bool ems = false) => new()
    {
        SupportedModes = supported,
        DefaultMode = defaultMode,
        GptToMbrConversion = conversion,
        IsEmsEnabled = ems,
        Disk = new WindowsDiskFacts(DiskFormat.Vhdx, 40L << 30, PartitionTableKind.Gpt, 3, false),
        Evidence = ["/dev/sda1 (EFI System Partition): /EFI/Microsoft/Boot/bootmgfw.efi → UEFI; EMS on in /EFI/Microsoft/Boot/BCD for {x}."],
    };

    private static Verdict? Find(IReadOnlyList<Verdict> verdicts, string code) => verdicts.SingleOrDefault(verdict => verdict.Code == code);

    [Fact]
    public void Windows_11_without_uefi_fails_with_uefi_only_warns_when_the_default_is_bios_and_is_silent_otherwise()
    {
        var biosOnly = Find(WindowsVerdictRules.Evaluate(Windows11, "/dev/sda2", Boot(WindowsBootModes.LegacyBios, WindowsBootModes.LegacyBios)), "windows-requires-uefi");
        Assert.Equal(VerdictSeverity.Fail, biosOnly?.Severity);
        Assert.Equal(ImportStatusMessages.WindowsFirstBootFailure, biosOnly!.StatusMessage);

        var biosDefault = Find(WindowsVerdictRules.Evaluate(Windows11, "/dev/sda2", Boot(WindowsBootModes.Both, WindowsBootModes.LegacyBios)), "windows-requires-uefi");
        Assert.Equal(VerdictSeverity.Warning, biosDefault?.Severity);

        Assert.Null(Find(WindowsVerdictRules.Evaluate(Windows11, "/dev/sda2", Boot(WindowsBootModes.Uefi, WindowsBootModes.Uefi)), "windows-requires-uefi"));
        Assert.Equal(VerdictSeverity.Warning, Find(WindowsVerdictRules.Evaluate(Windows11, "/dev/sda2"), "windows-requires-uefi")?.Severity);
    }

    [Fact]
    public void Ems_warns_and_gpt_to_mbr_conversion_is_reported()
    {
        var verdicts = WindowsVerdictRules.Evaluate(Windows11, "/dev/sda2", Boot(WindowsBootModes.Uefi, WindowsBootModes.Uefi, conversion: true, ems: true));

        var ems = Find(verdicts, "windows-ems");
        Assert.Equal(VerdictSeverity.Warning, ems?.Severity);
        Assert.Contains("EMS on in /EFI/Microsoft/Boot/BCD", ems!.Evidence, StringComparison.Ordinal);
        Assert.Equal(VerdictSeverity.Info, Find(verdicts, "windows-gpt-to-mbr")?.Severity);
        Assert.DoesNotContain(verdicts, verdict => verdict.Severity == VerdictSeverity.Fail);
    }

    [Theory]
    [InlineData("VHDX", DiskFormat.Vhdx)]
    [InlineData("VHD", DiskFormat.Vhd)]
    [InlineData("VMDK streamOptimized", DiskFormat.Vmdk)]
    [InlineData("VMDK descriptor", DiskFormat.VmdkDescriptor)]
    [InlineData("raw", DiskFormat.Raw)]
    [InlineData("something else", DiskFormat.Raw)]
    public void Format_names_as_vmie_info_prints_them_are_read_back(string name, DiskFormat format) =>
        Assert.Equal(format, WindowsBootDetector.ParseFormat(name));
}
