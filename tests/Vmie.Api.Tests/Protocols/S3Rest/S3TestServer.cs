using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vmie.Api.Auth;
using Vmie.Api.Auth.Credentials;
using Vmie.Api.Protocols.S3Rest;
using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;

namespace Vmie.Api.Tests.Protocols.S3Rest;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port chosen by the OS) that routes every request to
/// <see cref="S3RestEndpoint"/> over a real store. It stands in for authentication by setting a fixed
/// caller, and strips aws-chunked framing with <see cref="AwsChunkedTestDecoder"/>.
/// </summary>
public sealed class S3TestServer : IAsyncLifetime
{
    public const string AccountId = "111122223333";
    public const string OtherAccountId = "444455556666";
    public const string OtherAccessKey = "AKIDOTHER";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmie-s3-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public string Url { get; private set; } = string.Empty;

    public FileSystemObjectStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var database = new MetadataDatabase(Path.Combine(_directory, "meta.db"));
        database.Migrate(FileSystemObjectStore.SchemaMigrations);
        Store = new FileSystemObjectStore(database, Path.Combine(_directory, "objects"));
        var endpoint = new S3RestEndpoint(Store, new S3RestOptions());

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(async context =>
        {
            // Requests signed with the "other" access key act as a different account.
            var authorization = context.Request.Headers.Authorization.ToString();
            var account = authorization.Contains("Credential=" + OtherAccessKey + "/", StringComparison.Ordinal) ? OtherAccountId : AccountId;
            var credential = new AccessCredential("AKID" + account, "secret", account, $"arn:aws:iam::{account}:root");
            context.Features.Set(new AuthenticatedCaller(credential, "us-east-1", "s3"));
            if (context.Request.Headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.OrdinalIgnoreCase)
                || context.Request.Headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal))
            {
                context.Request.Body = new AwsChunkedTestDecoder(context.Request.Body);
            }

            // Simulates the chunk decoder detecting a bad signature or checksum part-way through the body.
            if (long.TryParse(context.Request.Headers["x-test-fail-after"], out var failAfter))
            {
                context.Request.Body = new FailingBody(context.Request.Body, failAfter);
            }

            await endpoint.HandleAsync(context);
        });
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>
    /// An SDK client as a typical application configures one against a custom endpoint. With
    /// <paramref name="sdkDefaults"/> the SDK also sends aws-chunked bodies with trailing CRC32 checksums and
    /// validates response checksums; without, it computes checksums only where S3 requires them.
    /// </summary>
    public AmazonS3Client Client(bool sdkDefaults = false, string accessKey = "AKIDTEST")
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Url,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        };
        if (!sdkDefaults)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return new AmazonS3Client(new BasicAWSCredentials(accessKey, "secret"), config);
    }

    public HttpClient Http() => new() { BaseAddress = new Uri(Url) };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class FailingBody(Stream inner, long failAfter) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= failAfter)
            {
                throw new PayloadIntegrityException("BadDigest", "The CRC32 you specified did not match the calculated checksum.");
            }

            var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - _read)], cancellationToken);
            _read += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
