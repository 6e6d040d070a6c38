namespace Vmie.Guest.Tests.Inspection;

/// <summary>One disk of a verdict image.</summary>
/// <param name="Shared">The file is shared with other images (built once per run and kept): not deleted with this image.</param>
internal sealed record VerdictImageDisk(string Path, VerdictDiskKind Kind = VerdictDiskKind.Raw, bool Shared = false);
