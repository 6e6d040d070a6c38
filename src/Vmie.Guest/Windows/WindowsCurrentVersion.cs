using System.Globalization;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Windows;

/// <summary>
/// The values of SOFTWARE\Microsoft\Windows NT\CurrentVersion that name the product. The version comes from the
/// CurrentMajorVersionNumber/CurrentMinorVersionNumber DWORDs (Windows 10 and later), else from the CurrentVersion
/// string ("6.3" — Windows 10 still writes "6.3" there for old programs, so the DWORDs win).
/// </summary>
public sealed record WindowsCurrentVersion
{
    public const string KeyPath = @"Microsoft\Windows NT\CurrentVersion";

    public string? ProductName { get; init; }

    public string? EditionId { get; init; }

    /// <summary>The raw InstallationType value ("Client", "Server", "Server Core", "Nano Server"), if any.</summary>
    public string? InstallationTypeValue { get; init; }

    public required int MajorVersion { get; init; }

    public required int MinorVersion { get; init; }

    /// <summary>CurrentBuild, else CurrentBuildNumber, when numeric.</summary>
    public int? Build { get; init; }

    /// <summary>DisplayVersion ("23H2"), else ReleaseId ("1809"), if any.</summary>
    public string? ReleaseId { get; init; }

    /// <summary>The key read, or null when SOFTWARE has no CurrentVersion key or no usable version in it.</summary>
    public static async ValueTask<WindowsCurrentVersion?> ReadAsync(RegistryHive software, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(software);
        var key = await software.OpenKeyAsync(KeyPath, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return null;
        }

        var major = await key.GetUInt32Async("CurrentMajorVersionNumber", cancellationToken).ConfigureAwait(false);
        var minor = await key.GetUInt32Async("CurrentMinorVersionNumber", cancellationToken).ConfigureAwait(false);
        int majorVersion, minorVersion;
        if (major is { } ma && minor is { } mi && ma < 100 && mi < 100)
        {
            (majorVersion, minorVersion) = ((int)ma, (int)mi);
        }
        else if (ParseVersion(await key.GetStringAsync("CurrentVersion", cancellationToken).ConfigureAwait(false)) is { } parsed)
        {
            (majorVersion, minorVersion) = parsed;
        }
        else
        {
            return null;
        }

        var build = ParseBuild(await key.GetStringAsync("CurrentBuild", cancellationToken).ConfigureAwait(false))
            ?? ParseBuild(await key.GetStringAsync("CurrentBuildNumber", cancellationToken).ConfigureAwait(false));
        var release = await key.GetStringAsync("DisplayVersion", cancellationToken).ConfigureAwait(false)
            ?? await key.GetStringAsync("ReleaseId", cancellationToken).ConfigureAwait(false);
        return new WindowsCurrentVersion
        {
            ProductName = await key.GetStringAsync("ProductName", cancellationToken).ConfigureAwait(false),
            EditionId = await key.GetStringAsync("EditionID", cancellationToken).ConfigureAwait(false),
            InstallationTypeValue = await key.GetStringAsync("InstallationType", cancellationToken).ConfigureAwait(false),
            MajorVersion = majorVersion,
            MinorVersion = minorVersion,
            Build = build,
            ReleaseId = string.IsNullOrWhiteSpace(release) ? null : release.Trim(),
        };
    }

    /// <summary>"6.3" → (6, 3).</summary>
    internal static (int Major, int Minor)? ParseVersion(string? text)
    {
        var parts = text?.Trim().Split('.');
        return parts is { Length: 2 }
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major < 100
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) && minor < 100
            ? (major, minor)
            : null;
    }

    private static int? ParseBuild(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var build) ? build : null;
}
