namespace Vmie.Api.Protocols.S3Rest;

/// <summary>The HTTP status S3 answers each error code with.</summary>
public static class S3ErrorStatus
{
    public static int Of(string code) => code switch
    {
        "NoSuchBucket" or "NoSuchKey" or "NoSuchUpload" or "NoSuchVersion" or "NoSuchBucketPolicy" => 404,
        "BucketAlreadyOwnedByYou" or "BucketAlreadyExists" or "BucketNotEmpty" or "OperationAborted" => 409,
        "AccessDenied" or "SignatureDoesNotMatch" or "InvalidAccessKeyId" or "RequestTimeTooSkewed" => 403,
        "PreconditionFailed" => 412,
        "InvalidRange" or "InvalidPartNumber" => 416,
        "MethodNotAllowed" => 405,
        "MissingContentLength" => 411,
        "NotImplemented" => 501,
        "InternalError" => 500,
        "ServiceUnavailable" or "SlowDown" => 503,
        _ => 400,
    };
}
