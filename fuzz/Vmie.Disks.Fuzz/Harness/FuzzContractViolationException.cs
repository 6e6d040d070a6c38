namespace Vmie.Disks.Fuzz.Harness;

/// <summary>A reader opened an input but then broke the <see cref="Abstractions.IVirtualDisk"/> contract: a finding.</summary>
public sealed class FuzzContractViolationException(string message) : Exception(message);
