namespace Vmie.Ec2.ImageImports;

/// <summary>What the ImportImage request asked for that the guest must agree with (null: not asked).</summary>
/// <param name="AccountId">The account that owns the task, which must own the source buckets.</param>
/// <param name="BootMode">legacy-bios, uefi or uefi-preferred (<see cref="ImageBootMode"/>).</param>
/// <param name="Architecture">i386, x86_64 or arm64, any letter case.</param>
/// <param name="Platform">Windows or Linux, any letter case.</param>
/// <param name="LicenseType">AWS or BYOL, any letter case (spec §8.2).</param>
/// <param name="UsageOperation">A usage operation code of spec §8.3.</param>
public sealed record ImageImportRequestFacts(
    string AccountId,
    string? BootMode = null,
    string? Architecture = null,
    string? Platform = null,
    string? LicenseType = null,
    string? UsageOperation = null);
