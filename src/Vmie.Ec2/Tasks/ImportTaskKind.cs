namespace Vmie.Ec2.Tasks;

/// <summary>The kinds of rows in the task table; each names the work a runner must know how to do.</summary>
public static class ImportTaskKind
{
    public const string ImportSnapshot = "import-snapshot";
    public const string ImportImage = "import-image";

    /// <summary>The kinds that count together towards <see cref="Composition.Ec2Options.MaxActiveImportTasksPerRegion"/> (spec §3.7).</summary>
    public static readonly IReadOnlyList<string> CountedTowardsActiveLimit = [ImportSnapshot, ImportImage];
}
