using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>
/// Hand-built HTTP requests signed by the AWS SDK's own SigV4 signer, for what the service clients
/// cannot send: unknown actions, malformed parameters, skewed clocks.
/// </summary>
internal static class SignedRawRequest
{
    public static HttpRequestMessage Ec2Form(VmieServerProcess server, string form, string? secret = null, DateTime? signedAt = null)
    {
        var body = Encoding.UTF8.GetBytes(form);
        var request = new DefaultRequest(new EmptyRequest(), "Amazon.EC2")
        {
            HttpMethod = "POST",
            Endpoint = server.Endpoint,
            ResourcePath = "/",
            Content = body,
        };
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        request.Headers["X-Amz-Content-SHA256"] = Convert.ToHexStringLower(SHA256.HashData(body));
        var message = Sign(server, request, "ec2", secret, signedAt);
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");
        return message;
    }

    private static HttpRequestMessage Sign(VmieServerProcess server, DefaultRequest request, string service, string? secret, DateTime? signedAt)
    {
        var config = new LocalConfig(service) { ServiceURL = server.Endpoint.ToString(), AuthenticationRegion = server.Region, AuthenticationServiceName = service };
        var result = new AWS4Signer().SignRequest(request, config, null, server.AccessKeyId, secret ?? server.SecretAccessKey, signedAt ?? DateTime.UtcNow);
        var uri = AmazonServiceClient.ComposeUrl(request);
        var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), uri);
        foreach (var (name, value) in request.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
        return message;
    }

    private sealed class EmptyRequest : AmazonWebServiceRequest;

    private sealed class LocalConfig(string service) : ClientConfig(new NoDefaults())
    {
        public override string ServiceVersion => "2016-11-15";

        public override string UserAgent => "vmie-tests";

        public override string RegionEndpointServiceName => service;

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) => new(ServiceURL);
    }

    private sealed class NoDefaults : IDefaultConfigurationProvider
    {
        public IDefaultConfiguration GetDefaultConfiguration(Amazon.RegionEndpoint clientRegion, DefaultConfigurationMode? requestedConfigurationMode = null) => null!;
    }
}
