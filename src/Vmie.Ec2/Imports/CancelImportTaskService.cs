using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tasks;

namespace Vmie.Ec2.Imports;

/// <summary>CancelImportTask for import-snap- (and, once they exist, import-ami-) tasks.</summary>
public sealed class CancelImportTaskService
{
    public const int MaxCancelReasonLength = 255;

    private readonly ImportTaskRepository _tasks;
    private readonly ImportTaskCancellation _cancellation;
    private readonly TimeProvider _time;

    public CancelImportTaskService(ImportTaskRepository tasks, ImportTaskCancellation cancellation, TimeProvider time)
    {
        _tasks = tasks;
        _cancellation = cancellation;
        _time = time;
    }

    /// <summary>
    /// An active task no worker has started ends at once (deleted); a running one goes to deleting and its
    /// worker stops, releases the partial snapshot and ends it deleted. Either way the answer is State deleting,
    /// as AWS answers a cancellation (the next describe shows where the task is). Ended or ending tasks are refused.
    /// </summary>
    public async Task<CancelImportTaskResult> CancelAsync(CancelImportTaskRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var id = request.ImportTaskId;
        if (string.IsNullOrEmpty(id))
        {
            throw Ec2Errors.MissingParameter("ImportTaskId");
        }

        var kind = ResourceKind.FromPrefix(id);
        if ((kind != ResourceKind.ImportSnapshotTask && kind != ResourceKind.ImportImageTask) || !kind.IsWellFormed(id))
        {
            throw new Ec2Exception("InvalidConversionTaskId.Malformed",
                $"Invalid id: \"{id}\" (expecting \"{ResourceKind.ImportSnapshotTask.Prefix}...\" or \"{ResourceKind.ImportImageTask.Prefix}...\")");
        }

        if (request.CancelReason is { Length: > MaxCancelReasonLength })
        {
            throw Ec2Errors.InvalidParameterValue($"The parameter CancelReason is longer than {MaxCancelReasonLength} characters.");
        }

        if (request.DryRun == true)
        {
            var task = await _tasks.FindAsync(id, cancellationToken);
            if (task is null || task.AccountId != context.AccountId || task.Region != context.Region)
            {
                throw kind.NotFound(id);
            }

            throw Ec2Errors.DryRunOperation();
        }

        var outcome = await _tasks.RequestCancelAsync(id, context.AccountId, context.Region, request.CancelReason, _time.GetUtcNow(), cancellationToken)
            ?? throw kind.NotFound(id);

        if (outcome.PreviousState != ImportTaskStatus.Active)
        {
            throw Ec2Errors.IncorrectState(outcome.PreviousState == ImportTaskStatus.Deleting
                ? $"The import task '{id}' is already being cancelled."
                : $"The import task '{id}' cannot be cancelled because it is {outcome.PreviousState}; only active tasks can be cancelled.");
        }

        if (outcome.State == ImportTaskStatus.Deleting)
        {
            _cancellation.TryCancelRunning(id);
        }

        // AWS always answers "deleting", even for a task it ends at once; clients wait for "deleted" by describing.
        return new CancelImportTaskResult { ImportTaskId = id, PreviousState = outcome.PreviousState, State = ImportTaskStatus.Deleting };
    }
}
