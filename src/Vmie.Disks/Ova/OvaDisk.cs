using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;

namespace Vmie.Disks.Ova;

/// <summary>One disk of an OVA: what the descriptor declares, and the tar member that holds its image.</summary>
public sealed class OvaDisk
{
    private readonly IBlockSource _archive;
    private readonly TarDirectory _directory;

    internal OvaDisk(IBlockSource archive, TarDirectory directory, OvfDisk description, TarMember member)
    {
        _archive = archive;
        _directory = directory;
        Description = description;
        Member = member;
    }

    public OvfDisk Description { get; }

    public TarMember Member { get; }

    /// <summary>The disk image's name inside the OVA (its References/File href).</summary>
    public string FileName => Member.Name;

    /// <summary>The capacity in bytes the descriptor declares.</summary>
    public long DeclaredCapacity => Description.Capacity;

    /// <summary>
    /// Opens the image inside the OVA (VMDK, VHD, VHDX or raw, told by its content) without copying it. A
    /// descriptor-only VMDK may name extent files that are other members of the OVA. The result does not own
    /// the archive: dispose it before the package. An image larger than the declared capacity is refused
    /// (the VM would see less than the image holds); a smaller one is a warning (units such as "byte * 2^30"
    /// round capacities up).
    /// </summary>
    public async Task<OpenedDiskImage> OpenAsync(CancellationToken cancellationToken = default)
    {
        var slice = new SliceBlockSource(_archive, Member.DataOffset, Member.Size);
        var format = await DiskFormatSniffer.DetectAsync(slice, cancellationToken).ConfigureAwait(false);
        if (format == DiskFormat.Ova)
        {
            throw new UnsupportedDiskImageException($"OVF file parsing error: disk file '{FileName}' is itself an OVA; nested OVAs are not supported");
        }

        var opened = await DiskImageOpener.OpenAsync(slice, ResolveSibling, cancellationToken).ConfigureAwait(false);
        var capacity = opened.Disk.Capacity;
        if (capacity > DeclaredCapacity)
        {
            await opened.DisposeAsync().ConfigureAwait(false);
            throw new InvalidDiskImageException($"OVF file parsing error: disk file '{FileName}' holds a {capacity}-byte disk, larger than the {DeclaredCapacity} bytes the descriptor declares for disk '{Description.DiskId}'");
        }

        var warnings = opened.Warnings.ToList();
        if (capacity < DeclaredCapacity)
        {
            warnings.Add($"Disk file '{FileName}' holds a {capacity}-byte disk; the descriptor declares {DeclaredCapacity} bytes. The image's size is used.");
        }

        return opened with { Warnings = warnings };
    }

    private SliceBlockSource ResolveSibling(string name)
    {
        var member = _directory.Find(name)
            ?? throw new InvalidDiskImageException($"OVF file parsing error: disk file '{FileName}' names the extent file '{name}', which the OVA does not contain");
        return new SliceBlockSource(_archive, member.DataOffset, member.Size);
    }
}
