using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Vmdk;
using Vmie.Storage.Objects;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// Opens an import's source object, in place, as the VM image its declared format names, with the checks every
/// import (ImportSnapshot, ImportImage) makes on the data: the object is there, the caller's, not empty; its content
/// is the declared format; a VMDK is stream-optimized. Each fault is an <see cref="ImportTaskFailedException"/>.
/// </summary>
public static class ImportSourceOpener
{
    /// <summary>Opens the object for reading; the caller owns the handle.</summary>
    public static async Task<ObjectReadHandle> OpenObjectAsync(IObjectStore objects, string accountId, string bucket, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objects);

        // The bucket may have been deleted, or deleted and created again by someone else, since the request.
        var bucketInfo = await objects.GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        if (bucketInfo is null)
        {
            throw new ImportTaskFailedException(ImportTaskMessages.SourceNotFound);
        }

        if (bucketInfo.OwnerAccountId != accountId)
        {
            throw new ImportTaskFailedException(ImportTaskMessages.SourceForbidden);
        }

        ObjectReadHandle handle;
        try
        {
            handle = await objects.OpenReadAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException e) when (e.Code is "NoSuchKey" or "NoSuchBucket")
        {
            throw new ImportTaskFailedException(ImportTaskMessages.SourceNotFound);
        }

        if (handle.Length == 0)
        {
            await handle.DisposeAsync().ConfigureAwait(false);
            throw new ImportTaskFailedException(ImportTaskMessages.SourceEmpty);
        }

        return handle;
    }

    /// <summary>
    /// Opens <paramref name="source"/> as the format its content shows, which must be the declared one. The image
    /// owns the source from then on (it is disposed here on failure).
    /// </summary>
    /// <param name="name">What to call the image in the disks' names (e.g. s3://bucket/key).</param>
    /// <param name="ovaRefusal">The status message when the content is an OVA and the import takes none; null when
    /// an OVA declared as such is accepted.</param>
    public static async Task<VirtualMachineImage> OpenImageAsync(string declaredFormat, ObjectReadHandle source, string name, string? ovaRefusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        VirtualMachineImage? image = null;
        try
        {
            var detected = await DiskFormatSniffer.DetectAsync(source, cancellationToken).ConfigureAwait(false);
            if (detected == DiskFormat.Ova && ovaRefusal is not null)
            {
                throw new ImportTaskFailedException(ovaRefusal);
            }

            if (DiskFormatSniffer.Mismatch(declaredFormat, detected) is { } mismatch)
            {
                throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(mismatch));
            }

            if (detected == DiskFormat.VmdkDescriptor)
            {
                // The descriptor names its data in other files: not a stream-optimized VMDK (spec §13.1 I4).
                throw new ImportTaskFailedException(ImportTaskMessages.UnsupportedVmdk);
            }

            image = await VirtualMachineImage.OpenAsync(source, name, resolveExtent: null, cancellationToken).ConfigureAwait(false);
            if (image.Disks.Any(disk => disk.Disk is VmdkDisk { IsStreamOptimized: false }))
            {
                throw new ImportTaskFailedException(ImportTaskMessages.UnsupportedVmdk);
            }

            return image;
        }
        catch (InvalidDiskImageException e)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(e.Message));
        }
        catch
        {
            if (image is not null)
            {
                await image.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }
}
