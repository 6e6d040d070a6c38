namespace Vmie.Guest.Linux;

/// <summary>One mount line of /etc/fstab (fstab(5)); <see cref="SpecValue"/> is the part after UUID=, LABEL=... .</summary>
public sealed record FstabEntry(
    int Line,
    string Spec,
    FstabSpecKind SpecKind,
    string SpecValue,
    string MountPoint,
    string Type,
    IReadOnlyList<string> Options,
    int Dump,
    int Pass)
{
    public bool IsSwap => Type == "swap";

    public bool HasOption(string option) => Options.Contains(option, StringComparer.Ordinal);
}
