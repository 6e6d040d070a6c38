namespace Vmie.Ec2.Persistence;

public enum ImportTaskInsertResult
{
    Inserted,
    ActiveTaskLimitReached,
    ClientTokenTaken,
}

/// <param name="Existing">The task already created with the same client token.</param>
/// <param name="ActiveCount">Active tasks counted when the limit was reached.</param>
public sealed record ImportTaskInsertOutcome(ImportTaskInsertResult Result, ImportTaskRecord? Existing, int ActiveCount);
