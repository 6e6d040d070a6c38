using Amazon.EC2;
using Amazon.S3;
using Amazon.S3.Model;

namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>
/// One `vmie serve` for a whole test class (a class fixture): started once with an empty data directory and a bucket,
/// with SDK clients and a scratch directory for the files the tests upload.
/// </summary>
public sealed class SharedVmieServer : IAsyncLifetime
{
    public const string Bucket = "import-bucket";

    private readonly TemporaryDirectory _work = new();
    private readonly Dictionary<string, Task> _once = new(StringComparer.Ordinal);

    internal VmieServerProcess Server { get; private set; } = null!;

    internal AmazonEC2Client Ec2 { get; private set; } = null!;

    internal AmazonS3Client S3 { get; private set; } = null!;

    /// <summary>A path in the fixture's scratch directory, deleted when the class is done.</summary>
    public string ScratchFile(string name) => _work.File(name);

    /// <summary>The result of <paramref name="create"/>, run once per fixture and <paramref name="key"/> (e.g. an upload several tests share).</summary>
    internal Task<T> OnceAsync<T>(string key, Func<Task<T>> create)
    {
        lock (_once)
        {
            if (!_once.TryGetValue(key, out var task))
            {
                task = create();
                _once[key] = task;
            }

            return (Task<T>)task;
        }
    }

    public async Task InitializeAsync()
    {
        Server = await VmieServerProcess.StartAsync(_work.File("data"));
        S3 = AwsClients.S3(Server);
        Ec2 = AwsClients.Ec2(Server);
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    public async Task DisposeAsync()
    {
        Ec2.Dispose();
        S3.Dispose();
        await Server.DisposeAsync();
        _work.Dispose();
    }
}
