namespace Vmie.Guest.Linux;

/// <summary>Where a finding came from: the guest file, the 1-based line (0 when the whole file counts) and its text.</summary>
public sealed record LinuxEvidence(string Path, int Line, string Text)
{
    public override string ToString() => Line > 0 ? $"{Path}:{Line}: {Text}" : $"{Path}: {Text}";
}
