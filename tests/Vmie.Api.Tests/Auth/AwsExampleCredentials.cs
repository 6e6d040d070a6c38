namespace Vmie.Api.Tests.Auth;

/// <summary>The example key pairs AWS publishes with its SigV4 documentation and test suite.</summary>
internal static class AwsExampleCredentials
{
    /// <summary>Used by the SigV4 test suite (service "service", 20150830T123600Z).</summary>
    public const string SuiteAccessKeyId = "AKIDEXAMPLE";
    public const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// <summary>Used by the S3 SigV4 examples (20130524T000000Z).</summary>
    public const string S3AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string S3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    public static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset S3Time = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
}
