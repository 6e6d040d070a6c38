using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes;

/// <summary>Reads of fixed-size structures from a block source; the part past the end of the source reads as zeros.</summary>
internal static class BlockReads
{
    public static async ValueTask<byte[]> ReadAsync(IBlockSource source, long offset, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        if (offset < 0 || offset >= source.Length)
        {
            return buffer;
        }

        var done = 0;
        while (done < length)
        {
            var read = await source.ReadAtAsync(offset + done, buffer.AsMemory(done), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                break;
            }

            done += read;
        }

        return buffer;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes or fails with <paramref name="what"/> named in the error.</summary>
    public static async ValueTask<byte[]> ReadExactlyAsync(IBlockSource source, long offset, int length, string what, CancellationToken cancellationToken)
    {
        if (offset < 0 || length < 0 || offset > source.Length - length)
        {
            throw new CorruptVolumeException($"The {what} at byte {offset} ({length} bytes) lies outside the device ({source.Length} bytes).");
        }

        return await ReadAsync(source, offset, length, cancellationToken).ConfigureAwait(false);
    }
}
