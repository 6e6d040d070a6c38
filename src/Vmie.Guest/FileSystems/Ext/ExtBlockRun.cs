namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// Consecutive logical blocks of a file mapped to consecutive physical blocks, or to nothing: a hole or an
/// uninitialised extent, both read as zeros.
/// </summary>
internal readonly record struct ExtBlockRun(ulong Physical, ulong Count, bool ReadsAsZeros)
{
    public static ExtBlockRun Zeros(ulong count) => new(0, count, true);
}
