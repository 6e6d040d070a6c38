using Vmie.Ec2.Errors;

namespace Vmie.Api.Protocols.Ec2Query;

/// <summary>The errors of the EC2 Query protocol itself, worded as EC2 words them.</summary>
internal static class Ec2ProtocolErrors
{
    // Echoed request text is cut so a hostile value cannot inflate the error response.
    private const int MaxEchoLength = 200;

    public static Ec2Exception MissingAction() =>
        new("MissingAction", "The request must contain the parameter Action");

    public static Ec2Exception InvalidAction(string action) =>
        new("InvalidAction", $"The action {Echo(action)} is not valid for this web service.");

    public static Ec2Exception NoSuchVersion(string version) =>
        new("NoSuchVersion", $"The requested version ({Echo(version)}) of service AmazonEC2 does not exist");

    public static Ec2Exception MissingParameter(string key) =>
        new("MissingParameter", $"The request must contain the parameter {key}");

    public static Ec2Exception UnknownParameter(string key) =>
        new("UnknownParameter", $"The parameter {Echo(key)} is not recognized");

    /// <summary>A member of the EC2 model that the registered request type does not bind: vmie does not act on it.</summary>
    public static Ec2Exception UnsupportedParameter(string key) =>
        new("InvalidParameter", $"The parameter {Echo(key)} is not supported by this service.");

    public static Ec2Exception InvalidParameterValue(string key, string value, string expectation) =>
        new("InvalidParameterValue", $"Value ({Echo(value)}) for parameter {Echo(key)} is invalid. {expectation}");

    public static Ec2Exception DuplicateParameter(string key) =>
        new("InvalidParameterValue", $"The parameter {Echo(key)} is specified more than once with different values.");

    public static Ec2Exception ConflictingParameters(string first, string second) =>
        new("InvalidParameterCombination", $"The parameters {Echo(first)} and {Echo(second)} name the same member; use only one of them.");

    public static Ec2Exception InvalidListIndex(string key, string index) =>
        new("InvalidParameterValue", $"The parameter {Echo(key)} has an invalid list index ({Echo(index)}); list indexes are positive integers.");

    public static Ec2Exception TooManyParameters(int limit) =>
        new("InvalidParameterValue", $"The request has more than {limit} parameters.");

    public static Ec2Exception TooManyListEntries(string key, int limit) =>
        new("InvalidParameterValue", $"The parameter {Echo(key)} has more than {limit} entries.");

    public static Ec2Exception DryRunOperation() =>
        new("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);

    public static Ec2Exception InternalError() =>
        new("InternalError", "An internal error has occurred", 500);

    private static string Echo(string text) =>
        text.Length <= MaxEchoLength ? text : string.Concat(text.AsSpan(0, MaxEchoLength), "...");
}
