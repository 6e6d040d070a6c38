using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Windows;

/// <summary>
/// A volume's part in starting Windows. BIOS: an active MBR partition holding \bootmgr and \Boot\BCD (the "System
/// Reserved" partition, or C: itself). UEFI: an EFI system partition holding \EFI\Microsoft\Boot\bootmgfw.efi (and
/// its BCD beside it). The BCD store found is read for its EMS setting.
/// </summary>
public sealed record WindowsBootVolume
{
    public const string BiosBootManager = "/bootmgr";
    public const string BiosBcd = "/Boot/BCD";
    public const string UefiBootManager = "/EFI/Microsoft/Boot/bootmgfw.efi";
    public const string UefiBcd = "/EFI/Microsoft/Boot/BCD";
    public const string UefiFallback = "/EFI/Boot/bootx64.efi";

    public required bool IsActiveMbrPartition { get; init; }

    public required bool IsEfiSystemPartition { get; init; }

    public bool HasBiosBootManager { get; init; }

    public bool HasBiosBcd { get; init; }

    public bool HasUefiBootManager { get; init; }

    public bool HasUefiFallback { get; init; }

    /// <summary>The BCD store's path on this volume, when one was read.</summary>
    public string? BcdPath { get; init; }

    public BootConfigurationData? Bcd { get; init; }

    public WindowsBootModes SupportedModes =>
        (IsActiveMbrPartition && HasBiosBootManager && HasBiosBcd ? WindowsBootModes.LegacyBios : WindowsBootModes.None)
        | (IsEfiSystemPartition && HasUefiBootManager ? WindowsBootModes.Uefi : WindowsBootModes.None);

    /// <summary>Looks at one volume; the caller says what its partition is (Partition.IsActive on MBR, Partition.IsEfiSystem).</summary>
    public static async ValueTask<WindowsBootVolume> InspectAsync(GuestFiles volume, bool isActiveMbrPartition, bool isEfiSystemPartition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var hasBiosBcd = await IsFileAsync(volume, BiosBcd, cancellationToken).ConfigureAwait(false);
        var hasUefiBcd = await IsFileAsync(volume, UefiBcd, cancellationToken).ConfigureAwait(false);
        var bcdPath = isEfiSystemPartition && hasUefiBcd ? UefiBcd : hasBiosBcd ? BiosBcd : hasUefiBcd ? UefiBcd : null;
        BootConfigurationData? bcd = null;
        if (bcdPath is not null)
        {
            await using var hive = await GuestHiveFile.OpenAsync(volume, bcdPath, cancellationToken).ConfigureAwait(false);
            bcd = hive is null ? null : await BootConfigurationData.ReadAsync(hive.Hive, cancellationToken).ConfigureAwait(false);
        }

        return new WindowsBootVolume
        {
            IsActiveMbrPartition = isActiveMbrPartition,
            IsEfiSystemPartition = isEfiSystemPartition,
            HasBiosBootManager = await IsFileAsync(volume, BiosBootManager, cancellationToken).ConfigureAwait(false),
            HasBiosBcd = hasBiosBcd,
            HasUefiBootManager = await IsFileAsync(volume, UefiBootManager, cancellationToken).ConfigureAwait(false),
            HasUefiFallback = await IsFileAsync(volume, UefiFallback, cancellationToken).ConfigureAwait(false),
            BcdPath = bcdPath,
            Bcd = bcd,
        };
    }

    private static async ValueTask<bool> IsFileAsync(GuestFiles volume, string path, CancellationToken cancellationToken) =>
        await volume.FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false) is { Kind: GuestNodeKind.File };
}
