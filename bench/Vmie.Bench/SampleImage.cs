using System.Numerics;
using System.Runtime.InteropServices;

namespace Vmie.Bench;

/// <summary>
/// A raw disk image like a freshly installed guest: a few regions of incompressible, non-repeating data
/// (deterministic, from a fixed seed) and zeros everywhere else, written out in full (not sparse).
/// Regions start at 4 KiB- but not block-aligned offsets, as file system data does.
/// </summary>
internal static class SampleImage
{
    private const int RegionCount = 4;
    private const int ChunkSize = 1 << 20;

    public static void Create(string path, long size, long dataBytes)
    {
        var regions = Regions(size, dataBytes);
        var random = new Xoshiro256(seed: 0x76_6d_69_65);
        var chunk = new byte[ChunkSize];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (long position = 0; position < size; position += ChunkSize)
        {
            var length = (int)Math.Min(ChunkSize, size - position);
            var span = chunk.AsSpan(0, length);
            span.Clear();
            foreach (var (start, end) in regions)
            {
                var from = Math.Max(start, position);
                var to = Math.Min(end, position + length);
                if (from < to)
                {
                    random.Fill(span[(int)(from - position)..(int)(to - position)]);
                }
            }

            file.Write(span);
        }

        // On disk before anything is timed, so no writeback of the image competes with the measurements.
        file.Flush(flushToDisk: true);
    }

    private static List<(long Start, long End)> Regions(long size, long dataBytes)
    {
        var spacing = size / RegionCount;
        var regionLength = dataBytes / RegionCount;
        List<(long, long)> regions = [];
        for (var i = 0; i < RegionCount; i++)
        {
            var start = (i * spacing) + (3L << 20) + ((i + 1) * 4096L);
            if (start + regionLength > Math.Min(size, (i + 1) * spacing))
            {
                throw new ArgumentException($"{dataBytes} bytes of data do not fit in {RegionCount} regions of a {size}-byte image.");
            }

            regions.Add((start, start + regionLength));
        }

        return regions;
    }

    /// <summary>xoshiro256** (a fast generator with a well-known definition); fills spans eight bytes at a time.</summary>
    private struct Xoshiro256
    {
        private ulong _s0;
        private ulong _s1;
        private ulong _s2;
        private ulong _s3;

        public Xoshiro256(ulong seed)
        {
            // SplitMix64 spreads the seed over the four words, as the generator's authors recommend.
            _s0 = SplitMix(ref seed);
            _s1 = SplitMix(ref seed);
            _s2 = SplitMix(ref seed);
            _s3 = SplitMix(ref seed);
        }

        public void Fill(Span<byte> destination)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(destination);
            for (var i = 0; i < words.Length; i++)
            {
                words[i] = Next();
            }

            var tail = destination[(words.Length * sizeof(ulong))..];
            if (!tail.IsEmpty)
            {
                Span<byte> last = stackalloc byte[sizeof(ulong)];
                MemoryMarshal.Write(last, Next());
                last[..tail.Length].CopyTo(tail);
            }
        }

        private ulong Next()
        {
            var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }

        private static ulong SplitMix(ref ulong state)
        {
            var z = state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
