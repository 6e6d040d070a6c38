namespace Vmie.Ec2.Tasks;

/// <summary>The kinds of rows in the task table; each names the work a runner must know how to do.</summary>
public static class ImportTaskKind
{
    public const string ImportSnapshot = "import-snapshot";
}
