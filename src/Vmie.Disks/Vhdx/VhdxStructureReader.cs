using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>Reads a fixed-size VHDX structure from the source, refusing a file that ends before it.</summary>
internal static class VhdxStructureReader
{
    public static async ValueTask<byte[]> ReadAsync(IBlockSource source, long offset, int length, string what, CancellationToken cancellationToken)
    {
        if (offset < 0 || length < 0 || offset > source.Length - length)
        {
            throw new InvalidDiskImageException($"The VHDX {what} at byte {offset} ({length} bytes) lies beyond the end of the {source.Length}-byte file.");
        }

        var buffer = new byte[length];
        var read = await source.ReadAtAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        if (read < length)
        {
            throw new InvalidDiskImageException($"The VHDX file ended at byte {offset + read}, inside its {what}.");
        }

        return buffer;
    }
}
