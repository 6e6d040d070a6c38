using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Linux;

/// <summary>
/// Installed kernels: images in /boot (vmlinuz-V, vmlinux-V, ARM's Image-V), module trees in /lib/modules/V,
/// initramfs files by the names dracut, initramfs-tools and mkinitrd give them, and whether ENA and NVMe are
/// there as modules (kernel/drivers/..., or any path modules.dep lists, DKMS's extra/ and updates/ included)
/// or built in (modules.builtin).
/// </summary>
public static class KernelFinder
{
    /// <summary>modules.dep of a distribution kernel is well under 1 MiB; the cap only stops a hostile file.</summary>
    private const int MaxModuleListBytes = 16 << 20;

    /// <summary>Directory listings bounded so a hostile /boot cannot make inspection slow.</summary>
    private const int MaxEntries = 10_000;

    private static readonly string[] ImagePrefixes = ["vmlinuz-", "vmlinux-", "Image-"];
    private static readonly string[] IgnoredSuffixes = [".sig", ".hmac", ".efi.signed", ".old", ".bak"];
    private static readonly string[] ModuleSuffixes = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"];

    private static readonly string[] EnaModules = ["ena"];
    private static readonly string[] NvmeModules = ["nvme", "nvme-core"];
    private const string EnaPath = "kernel/drivers/net/ethernet/amazon/ena/ena";
    private const string NvmePath = "kernel/drivers/nvme/host/nvme";

    public static async ValueTask<IReadOnlyList<LinuxKernel>> FindAsync(GuestFiles root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var bootNames = await ListNamesAsync(root, "/boot", cancellationToken).ConfigureAwait(false);
        var moduleVersions = await ListNamesAsync(root, "/lib/modules", cancellationToken).ConfigureAwait(false);
        var images = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in bootNames)
        {
            foreach (var prefix in ImagePrefixes)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length
                    && !IgnoredSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal)))
                {
                    images.TryAdd(name[prefix.Length..], "/boot/" + name);
                }
            }
        }

        var versions = new SortedSet<string>(images.Keys, StringComparer.Ordinal);
        foreach (var version in moduleVersions)
        {
            versions.Add(version);
        }

        var bootSet = bootNames.ToHashSet(StringComparer.Ordinal);
        var kernels = new List<LinuxKernel>();
        foreach (var version in versions)
        {
            var hasModules = moduleVersions.Contains(version);
            var ena = DriverPresence.Absent;
            var nvme = DriverPresence.Absent;
            if (hasModules)
            {
                (ena, nvme) = await FindDriversAsync(root, "/lib/modules/" + version, cancellationToken).ConfigureAwait(false);
            }

            kernels.Add(new LinuxKernel(version, images.GetValueOrDefault(version), FindInitramfs(bootSet, version), hasModules, ena, nvme));
        }

        kernels.Sort((a, b) => -RpmVersionComparer.Instance.Compare(a.Version, b.Version));
        return kernels;
    }

    /// <summary>The initramfs /boot holds for <paramref name="version"/>, by the names the common generators use.</summary>
    public static string? FindInitramfs(IReadOnlySet<string> bootNames, string version)
    {
        ArgumentNullException.ThrowIfNull(bootNames);
        string[] candidates = [$"initramfs-{version}.img", $"initrd.img-{version}", $"initrd-{version}.img", $"initrd-{version}", $"initramfs-{version}"];
        return candidates.FirstOrDefault(bootNames.Contains) is { } name ? "/boot/" + name : null;
    }

    private static async ValueTask<(DriverPresence Ena, DriverPresence Nvme)> FindDriversAsync(GuestFiles root, string modulesDirectory, CancellationToken cancellationToken)
    {
        var builtin = await ReadModuleListAsync(root, modulesDirectory + "/modules.builtin", cancellationToken).ConfigureAwait(false);
        var dependencies = await ReadModuleListAsync(root, modulesDirectory + "/modules.dep", cancellationToken).ConfigureAwait(false);
        var ena = await PresenceAsync(root, modulesDirectory, EnaPath, EnaModules, builtin, dependencies, cancellationToken).ConfigureAwait(false);
        var nvme = await PresenceAsync(root, modulesDirectory, NvmePath, NvmeModules, builtin, dependencies, cancellationToken).ConfigureAwait(false);
        return (ena, nvme);
    }

    private static async ValueTask<DriverPresence> PresenceAsync(GuestFiles root, string modulesDirectory, string treePath, string[] moduleNames, string[] builtin, string[] dependencies, CancellationToken cancellationToken)
    {
        if (builtin.Any(line => moduleNames.Any(module => IsModuleLine(line, module))))
        {
            return DriverPresence.BuiltIn;
        }

        foreach (var suffix in ModuleSuffixes)
        {
            if (await root.ExistsAsync($"{modulesDirectory}/{treePath}{suffix}", cancellationToken).ConfigureAwait(false))
            {
                return DriverPresence.Module;
            }
        }

        // modules.dep names every module with its path: "extra/ena.ko.xz: ..." after a DKMS install.
        return dependencies.Any(line => moduleNames.Any(module => IsModuleLine(line.Split(':', 2)[0], module))) ? DriverPresence.Module : DriverPresence.Absent;
    }

    /// <summary>True when a module path ("kernel/drivers/nvme/host/nvme.ko.xz") is the module <paramref name="module"/>.</summary>
    private static bool IsModuleLine(string path, string module)
    {
        var name = path.Trim();
        var slash = name.LastIndexOf('/');
        name = slash >= 0 ? name[(slash + 1)..] : name;
        return ModuleSuffixes.Any(suffix => name == module + suffix);
    }

    private static async ValueTask<string[]> ReadModuleListAsync(GuestFiles root, string path, CancellationToken cancellationToken)
    {
        try
        {
            var text = await root.ReadAllTextAsync(path, MaxModuleListBytes, cancellationToken).ConfigureAwait(false);
            return text?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];
        }
        catch (GuestFileTooLargeException)
        {
            return [];
        }
    }

    private static async ValueTask<List<string>> ListNamesAsync(GuestFiles root, string path, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var entry in root.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (path == "/lib/modules" && entry.Node.Kind != GuestNodeKind.Directory)
            {
                continue;
            }

            names.Add(entry.Name);
            if (names.Count >= MaxEntries)
            {
                break;
            }
        }

        return names;
    }
}
