namespace Vmie.Disks.Tests.Infrastructure;

/// <summary>
/// Deterministic raw disks for format tests: pseudo-random data regions, runs of explicit zeros and holes,
/// written as sparse files in a temporary directory that is removed on dispose.
/// </summary>
internal sealed class TestDisk : IDisposable
{
    public const int MiB = 1024 * 1024;

    public TestDisk()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vmie-disks-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>
    /// Writes raw image <paramref name="name"/> of <paramref name="size"/> bytes: random data at each region,
    /// with a 64 KiB run of explicit zeros in the middle of every region longer than 256 KiB; holes elsewhere.
    /// </summary>
    public string WriteRaw(string name, long size, int seed, params (long Offset, long Length)[] regions)
    {
        var path = PathOf(name);
        var random = new Random(seed);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength(size);
        foreach (var (offset, length) in regions)
        {
            var data = new byte[length];
            random.NextBytes(data);
            if (length > 256 * 1024)
            {
                Array.Clear(data, (int)(length / 2), 64 * 1024);
            }

            file.Position = offset;
            file.Write(data);
        }

        return path;
    }

    /// <summary>The default fixture: 9 MiB + 512 bytes, data at the start, across a 2 MiB boundary, unaligned, and at the very end.</summary>
    public string WriteStandardRaw(string name = "disk.raw", int seed = 1) =>
        WriteRaw(name, 9L * MiB + 512, seed, (0, 700 * 1024), (2 * MiB - 4096, 8192), (5 * MiB + 123, 1000), (9L * MiB - 4096, 4096 + 512));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
