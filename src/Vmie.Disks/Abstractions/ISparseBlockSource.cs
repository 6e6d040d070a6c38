namespace Vmie.Disks.Abstractions;

/// <summary>
/// A block source that knows where its data is, such as a sparse file: every byte outside the extents
/// it reports reads as zero, so readers can skip those ranges without reading them.
/// </summary>
public interface ISparseBlockSource : IBlockSource
{
    /// <summary>The ranges that may hold non-zero bytes, ascending, not overlapping, within [0, Length).</summary>
    IEnumerable<DiskExtent> GetDataExtents();
}
