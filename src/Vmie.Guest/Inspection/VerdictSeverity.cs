namespace Vmie.Guest.Inspection;

public enum VerdictSeverity
{
    /// <summary>An AWS-style import would fail.</summary>
    Fail,

    /// <summary>The import would succeed, but the instance may not boot or run well.</summary>
    Warning,

    /// <summary>Worth knowing; no effect on the import.</summary>
    Info,
}
