using System.Globalization;
using Vmie.Guest.FileSystems;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Windows;

/// <summary>
/// Inspects a volume for a Windows installation (issue 4 point 4; field notes §4 "Windows inspection"): the system
/// root, the architecture from PE headers, the product from the SOFTWARE hive, language, Hyper-V role and paging
/// files from the SYSTEM hive, and the volume's free space. Hives are read piecewise through the guest file system.
/// </summary>
public static class WindowsInspector
{
    private static readonly string[] ArchitectureFiles = ["system32/cmd.exe", "system32/ntoskrnl.exe"];

    /// <summary>The inspection of <paramref name="volume"/>, or null when it holds no Windows system root.</summary>
    public static async ValueTask<WindowsInspection?> InspectAsync(GuestFiles volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var root = await WindowsSystemRoot.FindAsync(volume, cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return null;
        }

        var warnings = new List<string>();
        var (architecture, architectureEvidence) = await DetectArchitectureAsync(volume, root, cancellationToken).ConfigureAwait(false);
        if (architecture is null)
        {
            warnings.Add(architectureEvidence ?? $"No PE image under {root}/system32 tells the architecture.");
            architectureEvidence = null;
        }

        var version = await ReadHiveAsync(volume, $"{root}/system32/config/SOFTWARE", warnings, WindowsCurrentVersion.ReadAsync, cancellationToken).ConfigureAwait(false);
        var system = await ReadHiveAsync(volume, $"{root}/system32/config/SYSTEM", warnings, WindowsSystemSettings.ReadAsync, cancellationToken).ConfigureAwait(false);

        var installationType = ParseInstallationType(version?.InstallationTypeValue)
            ?? InstallationTypeFromProductType(system?.ProductType)
            ?? (version?.ProductName?.Contains("Server", StringComparison.OrdinalIgnoreCase) == true ? WindowsInstallationType.Server
                : version?.ProductName is not null ? WindowsInstallationType.Client : WindowsInstallationType.Unknown);
        var isServer = installationType is WindowsInstallationType.Server or WindowsInstallationType.ServerCore or WindowsInstallationType.NanoServer;
        var product = version is null
            ? WindowsProduct.Unknown
            : WindowsProducts.Classify(version.MajorVersion, version.MinorVersion, version.Build, isServer, version.ProductName);

        VolumeSpace? space = null;
        try
        {
            space = await NtfsVolumeSpace.ReadAsync(volume, cancellationToken).ConfigureAwait(false);
        }
        catch (CorruptFileSystemException error)
        {
            warnings.Add($"The free space of the system volume could not be read: {error.Message}");
        }

        return new WindowsInspection
        {
            SystemRoot = root,
            Architecture = architecture,
            ArchitectureEvidence = architectureEvidence,
            Version = version,
            Product = product,
            Edition = WindowsEditions.FromEditionId(version?.EditionId),
            InstallationType = installationType,
            System = system,
            SystemVolumeSpace = space,
            Warnings = warnings,
        };
    }

    /// <summary>"Client", "Server", "Server Core", "Nano Server" (any case); null for a missing or unknown value.</summary>
    public static WindowsInstallationType? ParseInstallationType(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "CLIENT" => WindowsInstallationType.Client,
        "SERVER" => WindowsInstallationType.Server,
        "SERVER CORE" => WindowsInstallationType.ServerCore,
        "NANO SERVER" => WindowsInstallationType.NanoServer,
        _ => null,
    };

    private static WindowsInstallationType? InstallationTypeFromProductType(string? productType) => productType?.Trim().ToUpperInvariant() switch
    {
        "WINNT" => WindowsInstallationType.Client,
        "SERVERNT" or "LANMANNT" => WindowsInstallationType.Server,
        _ => null,
    };

    /// <returns>The architecture and its evidence; or null and why not.</returns>
    private static async ValueTask<(WindowsArchitecture? Architecture, string? Evidence)> DetectArchitectureAsync(GuestFiles volume, string root, CancellationToken cancellationToken)
    {
        string? why = null;
        foreach (var file in ArchitectureFiles)
        {
            var path = $"{root}/{file}";
            var machine = await PortableExecutableHeader.ReadMachineAsync(volume, path, cancellationToken).ConfigureAwait(false);
            if (machine is null)
            {
                continue;
            }

            var evidence = string.Create(CultureInfo.InvariantCulture, $"{path}: PE machine 0x{machine:X4}");
            if (PortableExecutableHeader.ToArchitecture(machine.Value) is { } architecture)
            {
                return (architecture, evidence);
            }

            why ??= evidence + ", an architecture Windows inspection does not know.";
        }

        return (null, why);
    }

    private static async ValueTask<T?> ReadHiveAsync<T>(GuestFiles volume, string path, List<string> warnings, Func<RegistryHive, CancellationToken, ValueTask<T?>> read, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var hive = await GuestHiveFile.OpenAsync(volume, path, cancellationToken).ConfigureAwait(false);
            if (hive is null)
            {
                warnings.Add($"{path} is missing.");
                return null;
            }

            warnings.AddRange(hive.Hive.Warnings.Select(warning => $"{path}: {warning}"));
            return await read(hive.Hive, cancellationToken).ConfigureAwait(false);
        }
        catch (CorruptHiveException error)
        {
            warnings.Add($"{path} cannot be read: {error.Message}");
            return null;
        }
        catch (CorruptFileSystemException error)
        {
            warnings.Add($"{path} cannot be read: {error.Message}");
            return null;
        }
    }
}
