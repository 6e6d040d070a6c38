using System.Diagnostics.CodeAnalysis;

namespace Vmie.Api.Auth.SigV4;

/// <summary>The result of <see cref="SigV4Verifier.Verify"/>: either <see cref="Verified"/> or <see cref="Failure"/>.</summary>
public sealed class SigV4Outcome
{
    private SigV4Outcome(SigV4VerifiedRequest? verified, SigV4Failure? failure)
    {
        Verified = verified;
        Failure = failure;
    }

    public SigV4VerifiedRequest? Verified { get; }

    public SigV4Failure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Verified))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Verified is not null;

    internal static SigV4Outcome Success(SigV4VerifiedRequest verified) => new(verified, null);

    internal static SigV4Outcome Fail(SigV4Failure failure) => new(null, failure);

    public override string ToString() => Succeeded ? Verified.ToString() : Failure.ToString();
}
