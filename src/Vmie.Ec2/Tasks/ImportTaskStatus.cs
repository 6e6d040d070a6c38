namespace Vmie.Ec2.Tasks;

/// <summary>
/// The Status values of import tasks as EC2 reports them. A task is active until it ends completed or
/// deleted; deleting means a cancellation was asked for and the worker is stopping.
/// </summary>
public static class ImportTaskStatus
{
    public const string Active = "active";
    public const string Completed = "completed";
    public const string Deleting = "deleting";
    public const string Deleted = "deleted";

    public static readonly IReadOnlyList<string> All = [Active, Completed, Deleting, Deleted];

    public static bool HasEnded(string status) => status is Completed or Deleted;
}
