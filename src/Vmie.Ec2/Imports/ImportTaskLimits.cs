using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Imports;

/// <summary>The limits on import requests (spec §3.7, §5.1) and the errors EC2 answers beyond them.</summary>
public static class ImportTaskLimits
{
    /// <summary>An import task fails for VMs with more than 21 attached volumes (spec §5.1.8).</summary>
    public const int MaxDiskContainers = 21;

    public static Ec2Exception ActiveTasksExceeded(int limit, string region) =>
        Ec2Errors.ResourceLimitExceeded(
            $"You have reached the limit of {limit} active import tasks (image and snapshot imports together) in region {region}. Wait for a task to finish, or cancel one, and retry.");
}
