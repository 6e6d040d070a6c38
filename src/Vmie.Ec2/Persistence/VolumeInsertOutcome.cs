namespace Vmie.Ec2.Persistence;

public enum VolumeInsertResult
{
    Inserted,

    /// <summary>The client token already made a volume (<see cref="VolumeInsertOutcome.Existing"/>).</summary>
    ClientTokenTaken,
}

public sealed record VolumeInsertOutcome(VolumeInsertResult Result, VolumeRecord? Existing);
