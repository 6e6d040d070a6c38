using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Vmie.Api.Tests.Auth;

namespace Vmie.Api.Tests.Hosting;

/// <summary>
/// Hand-built requests signed by the AWS SDK for .NET's own SigV4 signer at the current time with the test
/// server's credentials, then put on the wire with a plain <see cref="HttpClient"/>, header for header.
/// </summary>
internal static class SdkSignedHttpRequest
{
    /// <summary>Signs for <paramref name="service"/> (the credential scope's service) and sets Authorization.</summary>
    public static AWS4SigningResult Sign(IRequest request, string service)
    {
        var result = new AWS4Signer().SignRequest(
            request,
            AwsSdkTestClient.Config(service, GatewayTestHost.Region, request.Endpoint),
            null,
            GatewayTestHost.AccessKeyId,
            GatewayTestHost.SecretAccessKey,
            DateTime.UtcNow);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        return result;
    }

    /// <summary>
    /// The request as an <see cref="HttpRequestMessage"/>: same host, port, path and query, every header the SDK
    /// set (Host and Content-Length come from the URL and <paramref name="content"/>, and must agree with what
    /// was signed). It always goes over plain HTTP, which the test server speaks: a request signed for an https
    /// endpoint (the SDK uses some body encodings only there) is the same request, as the scheme is not signed.
    /// </summary>
    public static HttpRequestMessage ToHttp(IRequest request, HttpContent? content)
    {
        var url = AmazonServiceClient.ComposeUrl(request);
        var plain = new UriBuilder(url) { Scheme = Uri.UriSchemeHttp, Port = url.Port }.Uri;
        var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), plain) { Content = content };
        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value) && content?.Headers.TryAddWithoutValidation(name, value) != true)
            {
                throw new InvalidOperationException($"The header {name} cannot be sent.");
            }
        }

        return message;
    }
}
