using Amazon.Runtime.Internal.Util;
using Vmie.Storage.Checksums;

namespace Vmie.Storage.Tests.Checksums;

/// <summary>The CRCs must agree with the AWS SDK for .NET's own (table-driven) implementations.</summary>
public sealed class AwsSdkChecksumCrossCheckTests
{
    [Fact]
    public void Crcs_agree_with_the_aws_sdk_implementations()
    {
        var random = new Random(11);
        foreach (var length in new[] { 0, 1, 7, 8, 9, 63, 64, 65, 1000, 65_537 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            using var sdkCrc32 = new Crc32Managed();
            using var sdkCrc32C = new Crc32cManaged();
            using var sdkCrc64 = new Crc64NVMEManaged();

            Assert.Equal(Convert.ToBase64String(sdkCrc32.ComputeHash(data)), ChecksumAlgorithm.Crc32.ComputeBase64(data));
            Assert.Equal(Convert.ToBase64String(sdkCrc32C.ComputeHash(data)), ChecksumAlgorithm.Crc32C.ComputeBase64(data));
            Assert.Equal(Convert.ToBase64String(sdkCrc64.ComputeHash(data)), ChecksumAlgorithm.Crc64Nvme.ComputeBase64(data));
        }
    }
}
