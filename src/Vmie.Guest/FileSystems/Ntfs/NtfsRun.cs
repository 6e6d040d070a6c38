namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>One run of a non-resident attribute: <see cref="Length"/> clusters from <see cref="Vcn"/> at <see cref="Lcn"/>, or a sparse hole when Lcn is -1.</summary>
internal readonly record struct NtfsRun(long Vcn, long Lcn, long Length)
{
    public bool IsSparse => Lcn < 0;
}
