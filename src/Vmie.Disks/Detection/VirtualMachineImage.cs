using Vmie.Disks.Abstractions;
using Vmie.Disks.Ova;

namespace Vmie.Disks.Detection;

/// <summary>
/// An image file opened as the VM's virtual disks: a disk image gives its one disk; an OVA gives every disk, in
/// the descriptor's order (boot disk first). Owns everything it opens, the source included.
/// </summary>
public sealed class VirtualMachineImage : IAsyncDisposable
{
    private readonly IReadOnlyList<OpenedDiskImage> _opened;

    private VirtualMachineImage(DiskFormat format, OvaPackage? package, IReadOnlyList<OpenedDiskImage> opened, IReadOnlyList<VirtualMachineDisk> disks)
    {
        Format = format;
        Package = package;
        _opened = opened;
        Disks = disks;
    }

    /// <summary>What the file is: <see cref="DiskFormat.Ova"/> for a package, else its disk's format.</summary>
    public DiskFormat Format { get; }

    /// <summary>The OVA package, when the image is one.</summary>
    public OvaPackage? Package { get; }

    /// <summary>The VM's disks, boot disk first; never empty.</summary>
    public IReadOnlyList<VirtualMachineDisk> Disks { get; }

    /// <summary>
    /// Opens <paramref name="source"/> (which the image owns from then on, and disposes if opening fails) and every
    /// disk it holds, without copying. Formats vmie cannot read fail as <see cref="DiskImageOpener"/> fails.
    /// </summary>
    /// <param name="name">What the caller calls the image (a path, an s3:// URL), for the disks' names.</param>
    /// <param name="resolveExtent">Opens a file a VMDK descriptor names; null when the image stands alone.</param>
    public static async Task<VirtualMachineImage> OpenAsync(IBlockSource source, string name, Func<string, IBlockSource>? resolveExtent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        var sourceLength = source.Length;
        DiskFormat format;
        try
        {
            format = await DiskFormatSniffer.DetectAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (format != DiskFormat.Ova)
        {
            OpenedDiskImage single;
            try
            {
                single = await DiskImageOpener.OpenAsync(source, resolveExtent, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Readers that took the source over have disposed it already; disposing again is harmless.
                await source.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var disk = new VirtualMachineDisk(single.Disk, name, single.Format, single.Subformat, sourceLength, single.Warnings);
            return new VirtualMachineImage(single.Format, null, [single], [disk]);
        }

        var package = await OvaPackage.OpenAsync(source, ownsSource: true, cancellationToken).ConfigureAwait(false);
        var opened = new List<OpenedDiskImage>();
        try
        {
            // Every disk in the descriptor's order, each opened in place inside the archive.
            var disks = new List<VirtualMachineDisk>();
            foreach (var ovaDisk in package.Disks)
            {
                var inner = await ovaDisk.OpenAsync(cancellationToken).ConfigureAwait(false);
                opened.Add(inner);
                disks.Add(new VirtualMachineDisk(inner.Disk, $"{name}:{ovaDisk.FileName}", inner.Format, inner.Subformat, ovaDisk.Member.Size, [.. package.Warnings, .. inner.Warnings]));
            }

            return new VirtualMachineImage(DiskFormat.Ova, package, opened, disks);
        }
        catch
        {
            await DisposeAllAsync(opened, package).ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(_opened, Package);

    /// <summary>Disposes the disks, then the package that owns the archive they read from.</summary>
    private static async ValueTask DisposeAllAsync(IReadOnlyList<OpenedDiskImage> opened, IAsyncDisposable? package)
    {
        for (var i = opened.Count - 1; i >= 0; i--)
        {
            await opened[i].DisposeAsync().ConfigureAwait(false);
        }

        if (package is not null)
        {
            await package.DisposeAsync().ConfigureAwait(false);
        }
    }
}
