namespace Vmie.Ec2.Persistence;

/// <param name="Task">The task as it was before the request.</param>
public sealed record ImportTaskCancelOutcome(string PreviousState, string State, ImportTaskRecord Task);
