using Microsoft.AspNetCore.Http;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>S3's error document: &lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;Resource/&gt;&lt;RequestId/&gt;&lt;/Error&gt;; HEAD answers carry no body.</summary>
public static class S3ErrorResponse
{
    public static async Task WriteAsync(HttpContext context, S3RequestTarget target, string code, string message)
    {
        var response = context.Response;
        response.Clear();
        response.Headers["x-amz-request-id"] = context.TraceIdentifier;
        response.Headers["x-amz-id-2"] = context.TraceIdentifier;
        var status = S3ErrorStatus.Of(code);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = status;
            return;
        }

        await S3Xml.WriteAsync(response, status, "Error", writer =>
        {
            writer.WriteElementString("Code", code);
            writer.WriteElementString("Message", message);
            if (code == "NoSuchKey" && target.Key is not null)
            {
                writer.WriteElementString("Key", target.Key);
            }

            if (code is "NoSuchBucket" or "BucketAlreadyOwnedByYou" or "BucketAlreadyExists" or "BucketNotEmpty" && target.Bucket is not null)
            {
                writer.WriteElementString("BucketName", target.Bucket);
            }

            writer.WriteElementString("Resource", target.Resource);
            writer.WriteElementString("RequestId", context.TraceIdentifier);
        }, rootNamespace: null);
    }
}
