namespace Vmie.Guest.Fuzz.Harness;

/// <summary>A reader accepted an input but then broke its interface's contract (e.g. a directory listing "."): a finding.</summary>
public sealed class FuzzContractViolationException(string message) : Exception(message);
