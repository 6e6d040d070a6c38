namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// Decodes mapping pairs (runlists): a header byte whose low nibble is the size of the length field and high
/// nibble the size of the signed LCN delta; a zero-size delta is a sparse run; a zero byte ends the list.
/// Every run is checked against the volume, the attribute's VCN range and a cap on the number of runs.
/// </summary>
internal static class NtfsRunList
{
    public const int MaxRuns = 1 << 18;

    public static List<NtfsRun> Decode(ReadOnlySpan<byte> pairs, long lowestVcn, long highestVcn, long clusterCount, string what)
    {
        var runs = new List<NtfsRun>();
        var vcn = lowestVcn;
        long lcn = 0;
        var position = 0;
        while (position < pairs.Length && pairs[position] != 0)
        {
            var header = pairs[position++];
            var lengthSize = header & 0x0F;
            var deltaSize = header >> 4;
            if (lengthSize is 0 or > 8 || deltaSize > 8 || position + lengthSize + deltaSize > pairs.Length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: malformed runlist header 0x{header:X2}.");
            }

            var length = ReadSigned(pairs.Slice(position, lengthSize));
            position += lengthSize;
            if (length <= 0 || length > clusterCount || vcn > highestVcn + 1 - length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: a run of {length} clusters at VCN {vcn} leaves the attribute's VCNs [{lowestVcn}, {highestVcn}].");
            }

            if (runs.Count >= MaxRuns)
            {
                throw new CorruptFileSystemException($"NTFS {what}: more than {MaxRuns} runs.");
            }

            if (deltaSize == 0)
            {
                runs.Add(new NtfsRun(vcn, -1, length));
            }
            else
            {
                lcn += ReadSigned(pairs.Slice(position, deltaSize));
                position += deltaSize;
                if (lcn < 0 || lcn >= clusterCount || length > clusterCount - lcn)
                {
                    throw new CorruptFileSystemException($"NTFS {what}: clusters [{lcn}, +{length}) lie outside the volume's {clusterCount} clusters.");
                }

                runs.Add(new NtfsRun(vcn, lcn, length));
            }

            vcn += length;
        }

        if (vcn != highestVcn + 1 && !(runs.Count == 0 && highestVcn == lowestVcn - 1))
        {
            throw new CorruptFileSystemException($"NTFS {what}: the runlist maps VCNs [{lowestVcn}, {vcn}) but the attribute says up to {highestVcn}.");
        }

        return runs;
    }

    /// <summary>Throws when two allocated runs share a cluster: a hostile volume could alias metadata into file data.</summary>
    public static void CheckNoOverlap(IReadOnlyList<NtfsRun> runs, string what)
    {
        var allocated = runs.Where(run => !run.IsSparse).OrderBy(run => run.Lcn).ToList();
        for (var i = 1; i < allocated.Count; i++)
        {
            if (allocated[i].Lcn < allocated[i - 1].Lcn + allocated[i - 1].Length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: runs at clusters {allocated[i - 1].Lcn} and {allocated[i].Lcn} overlap.");
            }
        }
    }

    private static long ReadSigned(ReadOnlySpan<byte> bytes)
    {
        long value = (sbyte)bytes[^1];
        for (var i = bytes.Length - 2; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        return value;
    }
}
