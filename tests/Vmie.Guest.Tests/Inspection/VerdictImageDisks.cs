using Vmie.Disks.Detection;
using Vmie.Disks.Sources;
using Vmie.Guest.Inspection;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// The disks of a built verdict image, boot disk first. Disposing deletes the files made for this image alone: a
/// variant is used once and the scratch space is shared.
/// </summary>
internal sealed class VerdictImageDisks : IDisposable
{
    public VerdictImageDisks(params VerdictImageDisk[] disks)
    {
        ArgumentOutOfRangeException.ThrowIfZero(disks.Length);
        Disks = disks;
    }

    public IReadOnlyList<VerdictImageDisk> Disks { get; }

    /// <summary>One raw disk made for this image alone.</summary>
    public static VerdictImageDisks Once(string path) => new(new VerdictImageDisk(path));

    /// <summary>Inspects the disks as `vmie check` and an import do: image files opened by their detected format, raw files as they are.</summary>
    public async Task<GuestInspection> InspectAsync()
    {
        var opened = new List<IAsyncDisposable>();
        try
        {
            var inputs = new List<InspectedDiskInput>();
            foreach (var disk in Disks)
            {
                var file = FileBlockSource.Open(disk.Path);
                if (disk.Kind == VerdictDiskKind.ImageFile)
                {
                    OpenedDiskImage image;
                    try
                    {
                        image = await DiskImageOpener.OpenAsync(file);
                    }
                    catch
                    {
                        await file.DisposeAsync();
                        throw;
                    }

                    opened.Add(image);
                    var source = new VirtualDiskBlockSource(image.Disk, ownsDisk: false);
                    opened.Add(source);
                    inputs.Add(new InspectedDiskInput(source, disk.Path, image.Subformat, new FileInfo(disk.Path).Length));
                }
                else
                {
                    opened.Add(file);
                    inputs.Add(new InspectedDiskInput(file, disk.Path, disk.Kind == VerdictDiskKind.RawImportedAsVhdx ? "VHDX" : "raw"));
                }
            }

            return await GuestInspector.InspectAsync(inputs);
        }
        finally
        {
            for (var i = opened.Count - 1; i >= 0; i--)
            {
                await opened[i].DisposeAsync();
            }
        }
    }

    public void Dispose()
    {
        foreach (var disk in Disks.Where(disk => !disk.Shared))
        {
            File.Delete(disk.Path);
        }
    }
}
