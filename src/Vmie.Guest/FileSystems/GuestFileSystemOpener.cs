using Vmie.Disks.Abstractions;
using Vmie.Guest.FileSystems.Btrfs;
using Vmie.Guest.FileSystems.Ext;
using Vmie.Guest.FileSystems.Fat;
using Vmie.Guest.FileSystems.Ntfs;
using Vmie.Guest.FileSystems.Xfs;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.FileSystems;

/// <summary>
/// Opens the reader for what the volume probe found. A kind without a reader gives null, and
/// <see cref="MissingReaderReason"/> says why: never a guess at a reader that does not fit.
/// </summary>
public static class GuestFileSystemOpener
{
    public static Task<IGuestFileSystem?> OpenAsync(GuestVolume volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return OpenAsync(volume.Source, volume.Content, cancellationToken);
    }

    /// <summary>The file system on <paramref name="source"/>, or null when <see cref="MissingReaderReason"/> is not null.</summary>
    public static async Task<IGuestFileSystem?> OpenAsync(IBlockSource source, VolumeContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(content);
        return content.Kind switch
        {
            VolumeContentKind.Ext2 or VolumeContentKind.Ext3 or VolumeContentKind.Ext4 =>
                await ExtFileSystem.OpenAsync(source, cancellationToken).ConfigureAwait(false),
            VolumeContentKind.Fat12 or VolumeContentKind.Fat16 or VolumeContentKind.Fat32 =>
                await FatFileSystem.OpenAsync(source, cancellationToken).ConfigureAwait(false),
            VolumeContentKind.Xfs => await XfsFileSystem.OpenAsync(source, cancellationToken).ConfigureAwait(false),
            VolumeContentKind.Btrfs => await BtrfsFileSystem.OpenAsync(source, cancellationToken).ConfigureAwait(false),
            VolumeContentKind.Ntfs => await NtfsFileSystem.OpenAsync(source, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
    }

    /// <summary>Why <see cref="OpenAsync(IBlockSource, VolumeContent, CancellationToken)"/> gives null for this content, or null when a reader exists.</summary>
    public static string? MissingReaderReason(VolumeContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content.Kind switch
        {
            VolumeContentKind.Ext2 or VolumeContentKind.Ext3 or VolumeContentKind.Ext4 => null,
            VolumeContentKind.Fat12 or VolumeContentKind.Fat16 or VolumeContentKind.Fat32 => null,
            VolumeContentKind.Xfs or VolumeContentKind.Btrfs or VolumeContentKind.Ntfs => null,
            _ when content.IsEncrypted => $"the volume is encrypted ({content.TypeName})",
            _ when !content.IsFileSystem => $"the volume holds no file system ({content.TypeName})",
            _ => $"no reader for {content.TypeName}",
        };
    }
}
