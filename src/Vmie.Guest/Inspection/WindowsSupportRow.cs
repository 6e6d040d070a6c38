namespace Vmie.Guest.Inspection;

/// <summary>
/// One row of spec §4.2.2: a Windows product ("Windows Server 2019", "Windows 10"), its supported editions and
/// bitnesses; client products need US English (footnote 1), Windows 11 needs UEFI (footnote 2).
/// </summary>
public sealed record WindowsSupportRow(string Product, IReadOnlyList<string> Editions, IReadOnlyList<int> Bits, bool IsClient, bool RequiresUefi = false)
{
    /// <summary>
    /// True when <paramref name="edition"/> (a table name, an EditionID such as "ServerDatacenter" or
    /// "Professional", or a ProductName suffix) is one of the row's editions. Evaluation and N editions count as
    /// the edition they are built from.
    /// </summary>
    public bool MatchesEdition(string edition)
    {
        ArgumentNullException.ThrowIfNull(edition);
        var normalized = WindowsEditionNames.Normalize(edition);
        return Editions.Any(name => string.Equals(name, normalized, StringComparison.OrdinalIgnoreCase));
    }
}
