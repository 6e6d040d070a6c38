namespace Vmie.Api.Auth.SigV4;

/// <summary>Which time rule an <see cref="SigV4FailureKind.Expired"/> request broke.</summary>
public enum SigV4ExpiryReason
{
    /// <summary>Header-signed request whose time is more than 15 minutes away from the server's clock.</summary>
    ClockSkew,

    /// <summary>Presigned URL used after X-Amz-Date + X-Amz-Expires.</summary>
    PresignedUrlExpired,

    /// <summary>Presigned URL whose X-Amz-Date is more than 15 minutes in the future.</summary>
    NotYetValid,
}
