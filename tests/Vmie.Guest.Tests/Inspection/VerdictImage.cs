using Vmie.Guest.Inspection;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// A real guest image that triggers one verdict: how to build it, and what the verdict must say.
/// </summary>
/// <param name="Name">Unique in the catalogue: the code for a Linux image, "windows-..." for a Windows one (several images may trigger one code).</param>
/// <param name="StatusMessage">A failure's StatusMessage (the one an import ends with); null for a warning or note, whose message is its own text.</param>
/// <param name="Build">Builds the disks, boot disk first; dispose them once used.</param>
internal sealed record VerdictImage(string Name, string Code, VerdictSeverity Severity, string? StatusMessage, Func<VerdictImageDisks> Build)
{
    public bool IsWindows { get; init; }

    /// <summary>
    /// Set for an image that never reaches the inspector: Vmie.Disks refuses to open it, with an error containing this
    /// text (the verdict's rule is then covered on facts by the rules' own tests).
    /// </summary>
    public string? RefusedWhenOpened { get; init; }

    public override string ToString() => Name;
}
