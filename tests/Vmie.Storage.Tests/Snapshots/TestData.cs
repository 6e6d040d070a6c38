using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Tests.Snapshots;

/// <summary>Deterministic test contents: random blocks, zero blocks, partly zero blocks.</summary>
internal static class TestData
{
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// A disk image of <paramref name="length"/> bytes where, block by block, roughly a third is all zeros,
    /// a third random and a third random with zeroed stretches.
    /// </summary>
    public static byte[] DiskWithHoles(long length, int blockSize, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (long offset = 0; offset < length; offset += blockSize)
        {
            var block = bytes.AsSpan((int)offset, (int)Math.Min(blockSize, length - offset));
            switch (random.Next(3))
            {
                case 0:
                    break;
                case 1:
                    random.NextBytes(block);
                    break;
                default:
                    random.NextBytes(block);
                    var start = random.Next(block.Length);
                    block[start..Math.Min(block.Length, start + random.Next(block.Length))].Clear();
                    break;
            }
        }

        return bytes;
    }

    /// <summary>The non-zero blocks of <paramref name="data"/> as coalesced extents, as the store should report them.</summary>
    public static List<DiskExtent> ExpectedExtents(byte[] data, int blockSize)
    {
        List<DiskExtent> extents = [];
        for (long offset = 0; offset < data.Length; offset += blockSize)
        {
            var length = (int)Math.Min(blockSize, data.Length - offset);
            if (data.AsSpan((int)offset, length).IndexOfAnyExcept((byte)0) < 0)
            {
                continue;
            }

            if (extents.Count > 0 && extents[^1].End == offset)
            {
                extents[^1] = extents[^1] with { Length = extents[^1].Length + length };
            }
            else
            {
                extents.Add(new DiskExtent(offset, length));
            }
        }

        return extents;
    }

    public static long NonZeroBlockBytes(byte[] data, int blockSize) => ExpectedExtents(data, blockSize).Sum(e => e.Length);

    public static async Task<List<DiskExtent>> ExtentsOf(IVirtualDisk disk)
    {
        List<DiskExtent> extents = [];
        await foreach (var extent in disk.GetAllocatedExtentsAsync())
        {
            extents.Add(extent);
        }

        return extents;
    }

    public static async Task<byte[]> ReadAll(IVirtualDisk disk)
    {
        var bytes = new byte[disk.Capacity];
        var read = await disk.ReadAsync(0, bytes);
        Assert.Equal(disk.Capacity, read);
        return bytes;
    }
}
