namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>Deterministic raw disk images with data regions and holes, for import tests.</summary>
internal static class DiskImageFile
{
    /// <summary>
    /// Writes a raw image of <paramref name="size"/> bytes: pseudo-random data in the given regions,
    /// zeros elsewhere (as a sparse file, like `truncate` would make).
    /// </summary>
    public static void Write(string path, long size, IEnumerable<(long Offset, long Length)> dataRegions, int seed = 1)
    {
        var random = new Random(seed);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        file.SetLength(size);
        var buffer = new byte[1 << 20];
        foreach (var (offset, length) in dataRegions)
        {
            file.Position = offset;
            for (long written = 0; written < length;)
            {
                var count = (int)Math.Min(buffer.Length, length - written);
                random.NextBytes(buffer.AsSpan(0, count));
                file.Write(buffer, 0, count);
                written += count;
            }
        }
    }

    /// <summary>True when both files hold the same bytes.</summary>
    public static async Task<bool> SameContentAsync(Stream a, Stream b)
    {
        var left = new byte[1 << 20];
        var right = new byte[1 << 20];
        while (true)
        {
            var n = await a.ReadAtLeastAsync(left, left.Length, throwOnEndOfStream: false);
            var m = await b.ReadAtLeastAsync(right, right.Length, throwOnEndOfStream: false);
            if (n != m || !left.AsSpan(0, n).SequenceEqual(right.AsSpan(0, m)))
            {
                return false;
            }

            if (n == 0)
            {
                return true;
            }
        }
    }
}
