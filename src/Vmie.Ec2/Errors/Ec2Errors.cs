namespace Vmie.Ec2.Errors;

/// <summary>The EC2 error codes this domain answers with, built with consistent wording.</summary>
public static class Ec2Errors
{
    public static Ec2Exception MissingParameter(string parameter) =>
        new("MissingParameter", $"The request must contain the parameter {parameter}.");

    public static Ec2Exception InvalidParameterValue(string message) =>
        new("InvalidParameterValue", message);

    /// <summary>The EC2 style for a value outside a fixed set or range.</summary>
    public static Ec2Exception InvalidValue(string parameter, string? value, string expectation) =>
        new("InvalidParameterValue", $"Value ({value}) for parameter {parameter} is invalid. {expectation}");

    public static Ec2Exception InvalidParameter(string message) =>
        new("InvalidParameter", message);

    public static Ec2Exception InvalidParameterCombination(string message) =>
        new("InvalidParameterCombination", message);

    public static Ec2Exception IdempotentParameterMismatch(string clientToken) =>
        new("IdempotentParameterMismatch",
            $"The client token '{clientToken}' was already used with a request whose parameters differ from this one. Use a new client token or repeat the original request.");

    public static Ec2Exception ResourceLimitExceeded(string message) =>
        new("ResourceLimitExceeded", message);

    public static Ec2Exception TagLimitExceeded(string resourceId, int limit) =>
        new("TagLimitExceeded", $"The resource '{resourceId}' would have more than {limit} tags; each resource can have at most {limit} tags.");

    public static Ec2Exception TooManyTags(int count, int limit) =>
        new("TagLimitExceeded", $"The request gives {count} tags; a resource can have at most {limit} tags.");

    public static Ec2Exception InvalidNextToken(string? token) =>
        new("InvalidNextToken", $"The specified NextToken '{token}' is not valid.");

    public static Ec2Exception InvalidFilter(string name) =>
        new("InvalidParameterValue", $"The filter '{name}' is invalid.");

    public static Ec2Exception FilterLimitExceeded(string message) =>
        new("FilterLimitExceeded", message);

    public static Ec2Exception IncorrectState(string message) =>
        new("IncorrectState", message);

    /// <summary>DryRun=true on a request that would have succeeded. AWS answers it with HTTP 412.</summary>
    public static Ec2Exception DryRunOperation() =>
        new("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
}
