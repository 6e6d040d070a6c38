using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Fuzz.Harness;

/// <summary>
/// A compact fuzz input for formats whose structures sit on wide boundaries: only the first <see cref="WindowLength"/>
/// bytes of every <see cref="Stride"/> are stored, the rest reads as zeros. A VHDX places its regions, log and payload
/// blocks on 1 MiB boundaries and its headers, region tables and metadata items on 64 KiB ones ([MS-VHDX] 2.2, 2.3),
/// so even an empty image is several MiB, far beyond what afl-fuzz mutates well; packed this way it is a few
/// dozen KiB and every structure vmie reads still starts inside a window.
/// </summary>
public sealed class WindowedBlockSource(ReadOnlyMemory<byte> packed) : IBlockSource
{
    public const int Stride = 64 << 10;
    public const int WindowLength = 256;

    public long Length => (packed.Length + WindowLength - 1L) / WindowLength * Stride;

    /// <summary>Keeps the first <see cref="WindowLength"/> bytes of each <see cref="Stride"/> of <paramref name="image"/>.</summary>
    public static byte[] Pack(ReadOnlySpan<byte> image)
    {
        var windows = (image.Length + Stride - 1) / Stride;
        var packed = new byte[windows * WindowLength];
        for (var window = 0; window < windows; window++)
        {
            var start = window * Stride;
            image.Slice(start, Math.Min(WindowLength, image.Length - start)).CopyTo(packed.AsSpan(window * WindowLength));
        }

        return packed;
    }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var count = (int)Math.Clamp(Length - offset, 0, buffer.Length);
        var span = buffer.Span[..count];
        span.Clear();
        for (var done = 0; done < count;)
        {
            var position = offset + done;
            var inStride = (int)(position % Stride);
            var step = Math.Min(count - done, Stride - inStride);
            if (inStride < WindowLength)
            {
                var stored = Math.Min(step, WindowLength - inStride);
                var from = (int)(position / Stride * WindowLength) + inStride;
                var available = Math.Clamp(packed.Length - from, 0, stored);
                packed.Span.Slice(from, available).CopyTo(span[done..]);
            }

            done += step;
        }

        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
