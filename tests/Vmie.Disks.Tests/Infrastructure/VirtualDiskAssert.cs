using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Tests.Infrastructure;

internal static class VirtualDiskAssert
{
    /// <summary>
    /// The disk reads byte-identical to the raw file (whole-disk sweep plus unaligned random reads), and
    /// every non-zero byte of the raw file lies inside an extent the disk reports as allocated.
    /// </summary>
    public static async Task SameAsRawAsync(IVirtualDisk disk, string rawPath)
    {
        var raw = await File.ReadAllBytesAsync(rawPath);
        Assert.Equal(raw.LongLength, disk.Capacity);

        var all = new byte[raw.Length];
        Assert.Equal(raw.Length, await disk.ReadAsync(0, all));
        Assert.True(raw.AsSpan().SequenceEqual(all), "whole-disk read differs from the raw image");

        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var offset = random.NextInt64(raw.LongLength);
            var length = (int)Math.Min(random.Next(1, 300_000), raw.LongLength - offset);
            var buffer = new byte[length];
            Assert.Equal(length, await disk.ReadAsync(offset, buffer));
            Assert.True(raw.AsSpan((int)offset, length).SequenceEqual(buffer), $"read of {length} bytes at {offset} differs");
        }

        var covered = new bool[raw.Length];
        long previousEnd = 0;
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            Assert.True(extent.Offset >= previousEnd && extent.Length > 0 && extent.End <= disk.Capacity, $"bad extent {extent}");
            previousEnd = extent.End;
            Array.Fill(covered, true, (int)extent.Offset, (int)extent.Length);
        }

        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != 0 && !covered[i])
            {
                Assert.Fail($"non-zero byte at {i} is outside every allocated extent");
            }
        }
    }
}
