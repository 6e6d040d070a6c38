using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Writing;

/// <summary>Steps of the sequential writers: copying a range of a disk to the output, and zero padding.</summary>
internal static class SequentialOutput
{
    private static readonly byte[] Zeros = new byte[1 << 20];

    /// <summary>Copies <paramref name="length"/> bytes of the disk at <paramref name="offset"/>; past the disk's end, zeros.</summary>
    public static async Task CopyAsync(IVirtualDisk disk, long offset, long length, Stream output, byte[] buffer, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            var chunk = (int)Math.Min(buffer.Length, length);
            var wanted = (int)Math.Clamp(disk.Capacity - offset, 0, chunk);
            var read = wanted == 0 ? 0 : await disk.ReadAsync(offset, buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
            if (read != wanted)
            {
                throw new EndOfStreamException($"The source disk returned {read} bytes at {offset} where {wanted} were expected.");
            }

            buffer.AsSpan(wanted, chunk - wanted).Clear();
            await output.WriteAsync(buffer.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false);
            offset += chunk;
            length -= chunk;
        }
    }

    public static async Task WriteZerosAsync(Stream output, long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            var chunk = (int)Math.Min(Zeros.Length, count);
            await output.WriteAsync(Zeros.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false);
            count -= chunk;
        }
    }
}
