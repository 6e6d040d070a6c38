using Vmie.Guest.FileSystems;
using Vmie.Guest.Linux.Initramfs;

namespace Vmie.Guest.Linux;

/// <summary>
/// Inspects a Linux root file system (issue 4 point 3). The root is one <see cref="GuestFiles"/>: when /boot
/// or /boot/efi are separate volumes, the caller presents them mounted in place (or inspects them alone:
/// every reader takes paths from the guest's root).
/// </summary>
public static class LinuxInspector
{
    private static readonly string[] ReleaseFiles =
    [
        "/etc/os-release", "/usr/lib/os-release", "/etc/redhat-release", "/etc/centos-release", "/etc/oracle-release",
        "/etc/rocky-release", "/etc/fedora-release", "/etc/system-release", "/etc/SuSE-release", "/etc/lsb-release",
        "/etc/debian_version", "/etc/fstab",
    ];

    /// <summary>
    /// A cheap test: an /etc directory holding a release file or an fstab, next to /usr or /bin. Run it on every
    /// volume; more than one true means several /etc directories (spec §13.5 L1, L5).
    /// </summary>
    public static async ValueTask<bool> LooksLikeLinuxRootAsync(GuestFiles root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (await root.FindAsync("/etc", cancellationToken: cancellationToken).ConfigureAwait(false) is not { Kind: GuestNodeKind.Directory })
        {
            return false;
        }

        if (await root.FindAsync("/usr", cancellationToken: cancellationToken).ConfigureAwait(false) is not { Kind: GuestNodeKind.Directory }
            && await root.FindAsync("/bin", cancellationToken: cancellationToken).ConfigureAwait(false) is not { Kind: GuestNodeKind.Directory })
        {
            return false;
        }

        foreach (var path in ReleaseFiles)
        {
            if (await root.ExistsAsync(path, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The inspection of <paramref name="root"/>, or null when it is not a Linux root.</summary>
    public static async ValueTask<LinuxInspection?> InspectAsync(GuestFiles root, LinuxInspectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= LinuxInspectionOptions.Default;
        if (!await LooksLikeLinuxRootAsync(root, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var release = await LinuxReleaseDetector.DetectAsync(root, cancellationToken).ConfigureAwait(false);
        var (architecture, architectureEvidence) = await ArchitectureDetector.DetectAsync(root, cancellationToken).ConfigureAwait(false);
        var kernels = await KernelFinder.FindAsync(root, cancellationToken).ConfigureAwait(false);
        var bootLoader = await BootLoaderInspector.InspectAsync(root, cancellationToken).ConfigureAwait(false);
        var defaultKernel = bootLoader.DefaultKernelVersion is { } version
            ? kernels.FirstOrDefault(kernel => kernel.Version == version)
            : null;
        if (bootLoader.Primary is null && defaultKernel is null)
        {
            // No boot configuration to follow: the newest non-rescue kernel is what an installer would boot.
            defaultKernel = kernels.FirstOrDefault(kernel => !kernel.IsRescue && kernel.ImagePath is not null);
        }

        var commandLine = ExpandKernelOptions(bootLoader.DefaultEntry?.KernelCommandLine, bootLoader.Environment);
        var defaultGrub = await ReadDefaultGrubAsync(root, cancellationToken).ConfigureAwait(false);
        var ifnamesOff = HasNetIfnamesOff(commandLine) || HasNetIfnamesOff(defaultGrub?["GRUB_CMDLINE_LINUX"]) || HasNetIfnamesOff(defaultGrub?["GRUB_CMDLINE_LINUX_DEFAULT"]);

        var (fstab, fstabError) = await ReadFstabAsync(root, cancellationToken).ConfigureAwait(false);
        var initramfsPath = await FindInitramfsPathAsync(root, bootLoader, defaultKernel, cancellationToken).ConfigureAwait(false);
        InitramfsContents? initramfs = null;
        string? initramfsError = null;
        if (options.ReadInitramfs && initramfsPath is not null)
        {
            try
            {
                initramfs = await InitramfsReader.ReadAsync(root, initramfsPath, options.InitramfsLimits, cancellationToken).ConfigureAwait(false);
                initramfsError = initramfs is null ? $"{initramfsPath} is missing." : null;
            }
            catch (UnreadableInitramfsException error)
            {
                initramfsError = $"{initramfsPath}: {error.Message}";
            }
        }

        var network = await NetworkConfigurationReader.ReadAsync(root, cancellationToken).ConfigureAwait(false);
        return new LinuxInspection(release, architecture, architectureEvidence, kernels, defaultKernel, bootLoader, commandLine, fstab, fstabError, initramfsPath, initramfs, initramfsError, network, ifnamesOff);
    }

    /// <summary>RHEL 8 BLS entries say "options $kernelopts"; grubenv holds the value.</summary>
    private static string? ExpandKernelOptions(string? commandLine, GrubEnvironment? environment)
    {
        if (commandLine is null || environment is null || !environment.Values.TryGetValue("kernelopts", out var kernelopts))
        {
            return commandLine;
        }

        return commandLine.Replace("${kernelopts}", kernelopts, StringComparison.Ordinal).Replace("$kernelopts", kernelopts, StringComparison.Ordinal);
    }

    private static bool HasNetIfnamesOff(string? commandLine) =>
        commandLine?.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Contains("net.ifnames=0", StringComparer.Ordinal) == true;

    private static async ValueTask<ShellAssignmentFile?> ReadDefaultGrubAsync(GuestFiles root, CancellationToken cancellationToken)
    {
        try
        {
            var text = await root.ReadAllTextAsync("/etc/default/grub", 256 * 1024, cancellationToken).ConfigureAwait(false);
            return text is null ? null : ShellAssignmentFile.Parse("/etc/default/grub", text);
        }
        catch (GuestFileTooLargeException)
        {
            return null;
        }
    }

    private static async ValueTask<(Fstab? Fstab, string? Error)> ReadFstabAsync(GuestFiles root, CancellationToken cancellationToken)
    {
        try
        {
            var text = await root.ReadAllTextAsync(Fstab.Path, 1 << 20, cancellationToken).ConfigureAwait(false);
            return text is null ? (null, "/etc/fstab is missing.") : (Fstab.Parse(text), null);
        }
        catch (GuestFileTooLargeException error)
        {
            return (null, error.Message);
        }
    }

    private static async ValueTask<string?> FindInitramfsPathAsync(GuestFiles root, LinuxBootLoader bootLoader, LinuxKernel? defaultKernel, CancellationToken cancellationToken)
    {
        if (bootLoader.DefaultEntry?.InitrdPaths is { Count: > 0 } initrds)
        {
            // The last initrd is the main one; those before it are early microcode images.
            var (path, exists) = await BootLoaderInspector.ResolveBootPathAsync(root, initrds[^1], cancellationToken).ConfigureAwait(false);
            if (exists)
            {
                return path;
            }
        }

        return defaultKernel?.InitramfsPath;
    }
}
