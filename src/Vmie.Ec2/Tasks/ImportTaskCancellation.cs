using System.Collections.Concurrent;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// Lets CancelImportTask stop a conversion running in this process at once. Workers of other processes
/// notice the deleting status at their next heartbeat instead.
/// </summary>
public sealed class ImportTaskCancellation
{
    private readonly ConcurrentDictionary<string, Action> _running = new(StringComparer.Ordinal);

    /// <returns>True when the task was running here and has been told to stop.</returns>
    public bool TryCancelRunning(string taskId)
    {
        if (_running.TryGetValue(taskId, out var cancel))
        {
            cancel();
            return true;
        }

        return false;
    }

    /// <summary>True while a worker of this process runs the task.</summary>
    public bool IsRunningHere(string taskId) => _running.ContainsKey(taskId);

    internal Registration Register(string taskId, Action cancel)
    {
        _running[taskId] = cancel;
        return new Registration(this, taskId);
    }

    internal readonly struct Registration : IDisposable
    {
        private readonly ImportTaskCancellation _owner;
        private readonly string _taskId;

        public Registration(ImportTaskCancellation owner, string taskId)
        {
            _owner = owner;
            _taskId = taskId;
        }

        public void Dispose() => _owner._running.TryRemove(_taskId, out _);
    }
}
