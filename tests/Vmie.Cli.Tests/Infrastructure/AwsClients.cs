using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;

namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>Real AWS SDK clients pointed at a vmie server.</summary>
internal static class AwsClients
{
    public static AmazonS3Client S3(VmieServerProcess server) =>
        new(new BasicAWSCredentials(server.AccessKeyId, server.SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = server.Region,
            MaxErrorRetry = 0,
        });

    public static AmazonEC2Client Ec2(VmieServerProcess server) =>
        new(new BasicAWSCredentials(server.AccessKeyId, server.SecretAccessKey), new AmazonEC2Config
        {
            ServiceURL = server.Endpoint.ToString(),
            AuthenticationRegion = server.Region,
            MaxErrorRetry = 0,
        });
}
