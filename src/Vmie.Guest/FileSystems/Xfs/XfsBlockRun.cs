namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// Where a run of a file's blocks lies: <see cref="Count"/> blocks from file system block
/// <see cref="StartBlock"/>, or, when <see cref="ReadsAsZeros"/>, a hole or an unwritten extent.
/// </summary>
internal readonly record struct XfsBlockRun(ulong StartBlock, ulong Count, bool ReadsAsZeros);
