using Amazon.Runtime;
using Amazon.S3;
using Vmie.Api.Hosting;

namespace Vmie.Api.Tests.Hosting;

/// <summary>
/// The real server, as `vmie serve` runs it (<see cref="VmieHost"/>: gateway, SigV4, stores, task runner), on a
/// free loopback port over a fresh temporary data directory that is removed afterwards.
/// </summary>
public sealed class GatewayTestHost : IAsyncLifetime
{
    public const string AccountId = "210987654321";
    public const string AccessKeyId = "AKIAVMIEGATEWAYTEST1";
    public const string SecretAccessKey = "gateway/Secret+Key/abcdefghijklmnopqrstuvwx";
    public const string Region = "us-east-1";

    private VmieHost? _host;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "vmie-gateway-" + Guid.NewGuid().ToString("N"));

    public Uri Endpoint => _host?.Endpoint ?? throw new InvalidOperationException("The server is not started.");

    private string ObjectsDirectory => Path.Combine(DataDirectory, "objects");

    public async Task InitializeAsync()
    {
        _host = await VmieHost.StartAsync(new VmieServerOptions
        {
            Port = 0,
            DataDirectory = DataDirectory,
            AccountId = AccountId,
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
        });
    }

    /// <summary>An SDK client signed with the server's credentials, used to set up and inspect what requests stored.</summary>
    public AmazonS3Client S3() => new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public HttpClient Http() => new() { BaseAddress = Endpoint };

    /// <summary>Object body files in the data directory, outside the temporary folder.</summary>
    public int BodyFileCount() =>
        Directory.EnumerateFiles(ObjectsDirectory, "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(Path.GetDirectoryName(f)) != "tmp");

    /// <summary>Bodies being written (or left half-written) in the temporary folder.</summary>
    public int TemporaryFileCount() => Directory.EnumerateFiles(Path.Combine(ObjectsDirectory, "tmp")).Count();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
