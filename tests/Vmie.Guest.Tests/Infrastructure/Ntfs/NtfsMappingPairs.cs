namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>One run of a non-resident attribute: <see cref="Length"/> clusters from <see cref="Lcn"/>, or a hole when Lcn is -1.</summary>
internal readonly record struct NtfsExtent(long Lcn, long Length);

/// <summary>
/// Encodes a runlist as NTFS mapping pairs: per run a header byte (low nibble: bytes of the length, high nibble:
/// bytes of the LCN offset, 0 for a sparse run), the length, then the LCN as a signed offset from the previous
/// run's LCN, both little-endian in the fewest bytes that keep the sign; a 0 byte ends the list.
/// </summary>
internal static class NtfsMappingPairs
{
    public static byte[] Encode(IReadOnlyList<NtfsExtent> runs)
    {
        var bytes = new List<byte>();
        long previous = 0;
        foreach (var run in runs)
        {
            if (run.Length <= 0)
            {
                throw new ArgumentException($"A run of {run.Length} clusters.", nameof(runs));
            }

            var length = SignedBytes(run.Length);
            var offset = run.Lcn < 0 ? [] : SignedBytes(run.Lcn - previous);
            bytes.Add((byte)((offset.Length << 4) | length.Length));
            bytes.AddRange(length);
            bytes.AddRange(offset);
            if (run.Lcn >= 0)
            {
                previous = run.Lcn;
            }
        }

        bytes.Add(0);
        return [.. bytes];
    }

    /// <summary>The value in the fewest little-endian bytes whose top bit still gives its sign.</summary>
    private static byte[] SignedBytes(long value)
    {
        var result = new List<byte>();
        while (true)
        {
            var low = (byte)(value & 0xFF);
            result.Add(low);
            value >>= 8;
            if ((value == 0 && (low & 0x80) == 0) || (value == -1 && (low & 0x80) != 0))
            {
                return [.. result];
            }
        }
    }
}
