namespace Vmie.Api.Protocols.Ec2Query.Dispatch;

/// <summary>Parameters that belong to the protocol or to authentication rather than to an operation's input.</summary>
internal static class ProtocolParameters
{
    public const string Action = "Action";

    public const string Version = "Version";

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        Action, Version, "AWSAccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp", "Expires", "SecurityToken",
    };

    /// <summary>Action, Version, SigV2 fields and SigV4 query-string fields (X-Amz-*), which the binder must not see.</summary>
    public static bool IsProtocolParameter(string key) =>
        Names.Contains(key) || key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase);
}
