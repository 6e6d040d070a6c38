namespace Vmie.Guest.Volumes;

/// <summary>
/// A domain finding about the disks' volumes. <see cref="StatusMessage"/> is the documented AWS error, when the
/// spec gives one; <see cref="Detail"/> says what exactly is wrong and where.
/// </summary>
public sealed record VolumeProblem(VolumeProblemKind Kind, string Subject, string Detail)
{
    /// <summary>Spec §13.5 L4.</summary>
    public const string LvmActivationFailedMessage = "ClientError: Unsupported configuration - Logical volume group activation failed";

    public string? StatusMessage => Kind == VolumeProblemKind.LvmActivationFailed ? LvmActivationFailedMessage : null;
}
