namespace Vmie.Guest.Tests.Inspection;

/// <summary>A guest that would import: no failure, and no verdict except <paramref name="AllowedCodes"/>.</summary>
internal sealed record HealthyImage(string Name, IReadOnlyList<string> AllowedCodes, Func<VerdictImageDisks> Build)
{
    public override string ToString() => Name;
}
