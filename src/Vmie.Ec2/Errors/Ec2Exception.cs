namespace Vmie.Ec2.Errors;

/// <summary>
/// An error the EC2 API answers with: its code (InvalidParameterValue, MissingParameter,
/// InvalidSnapshot.NotFound...), its message and the HTTP status (400 for the caller's fault,
/// 500 for ours).
/// </summary>
public class Ec2Exception : Exception
{
    public Ec2Exception(string code, string message, int httpStatus = 400)
        : base(message)
    {
        Code = code;
        HttpStatus = httpStatus;
    }

    public string Code { get; }

    public int HttpStatus { get; }
}
