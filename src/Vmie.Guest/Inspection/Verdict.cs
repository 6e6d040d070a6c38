namespace Vmie.Guest.Inspection;

/// <summary>
/// One finding about the guest as VM Import would judge it.
/// </summary>
/// <param name="Code">A stable identifier ("unknown-os", "kernel-unsupported"...); the spec's catalogue number is in
/// <see cref="ImportStatusMessages"/> next to each documented string.</param>
/// <param name="StatusMessage">The error as DescribeImportImageTasks' StatusMessage would show it.</param>
/// <param name="Evidence">Which file, which value, which partition led to it.</param>
/// <param name="Fix">What the user can do about it.</param>
public sealed record Verdict(string Code, VerdictSeverity Severity, string StatusMessage, string Evidence, string Fix);
