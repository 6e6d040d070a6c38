using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Tests.Auth;

/// <summary>
/// Drives the AWS SDK for .NET's own signers (AWSSDK.Core, public Amazon.Runtime.Internal.Auth entry points)
/// outside of a service client, and turns what they produce into what vmie's verifier sees on the wire.
/// </summary>
internal static class AwsSdkTestClient
{
    public const string Endpoint = "http://127.0.0.1:9000";

    /// <param name="endpoint">Where the request goes (its host is signed); the fixed test endpoint by default.</param>
    public static DefaultRequest NewRequest(string serviceName, string method, string resourcePath, Uri? endpoint = null)
    {
        var request = new DefaultRequest(new EmptyServiceRequest(), serviceName)
        {
            HttpMethod = method,
            Endpoint = endpoint ?? new Uri(Endpoint),
            ResourcePath = resourcePath,
        };
        return request;
    }

    public static IClientConfig Config(string service, string region, Uri? endpoint = null) => new LocalEndpointConfig(service)
    {
        ServiceURL = endpoint?.ToString() ?? Endpoint,
        AuthenticationRegion = region,
        AuthenticationServiceName = service,
    };

    /// <summary>The request as the SDK would put it on the wire: path and query of the composed URL, headers.</summary>
    public static SigV4Request ToWire(IRequest request, string? payloadHash, string? extraQuery = null)
    {
        var uri = AmazonServiceClient.ComposeUrl(request);
        var pathAndQuery = uri.PathAndQuery;
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? pathAndQuery : pathAndQuery[..question];
        var query = question < 0 ? string.Empty : pathAndQuery[(question + 1)..];
        if (extraQuery is not null)
        {
            query = query.Length == 0 ? extraQuery : query + "&" + extraQuery;
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[h.Value], StringComparer.OrdinalIgnoreCase);
        if (!headers.ContainsKey("Host"))
        {
            headers["Host"] = [uri.Authority];
        }

        return new SigV4Request(request.HttpMethod, path, query, headers, payloadHash);
    }

    private sealed class EmptyServiceRequest : AmazonWebServiceRequest;

    private sealed class LocalEndpointConfig(string service) : ClientConfig(new NoDefaults())
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
