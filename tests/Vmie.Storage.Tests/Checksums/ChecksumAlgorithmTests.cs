using System.Text;
using Vmie.Storage.Checksums;

namespace Vmie.Storage.Tests.Checksums;

public sealed class ChecksumAlgorithmTests
{
    // Check values of the CRC catalogue and the SHA digests of "123456789", as big-endian hex.
    [Theory]
    [InlineData("CRC32", "CBF43926")]
    [InlineData("CRC32C", "E3069283")]
    [InlineData("CRC64NVME", "AE8B14860A799888")]
    [InlineData("SHA1", "F7C3BC1D808E04732ADF679965CCC34CA7AE3441")]
    [InlineData("SHA256", "15E2B0D3C33891EBB0F1EF609EC419420C20E320CE94C65FBC8C3312448EB225")]
    public void Check_value_of_123456789(string name, string expectedHex)
    {
        var algorithm = ChecksumAlgorithm.FromName(name)!;

        var digest = algorithm.Compute("123456789"u8);
        var base64 = algorithm.ComputeBase64("123456789"u8);

        Assert.Equal(Convert.FromHexString(expectedHex), digest);
        Assert.Equal(algorithm.DigestLength, digest.Length);
        Assert.Equal(Convert.ToBase64String(digest), base64);
        Assert.True(algorithm.IsWellFormedBase64(base64));
    }

    [Fact]
    public void Crc32c_of_the_aws_trailer_example_body()
    {
        var data = Encoding.ASCII.GetBytes(new string('a', 66560));

        Assert.Equal("sOO8/Q==", ChecksumAlgorithm.Crc32C.ComputeBase64(data));
    }

    [Theory]
    [InlineData("crc32", "x-amz-checksum-crc32")]
    [InlineData("Crc32C", "x-amz-checksum-crc32c")]
    [InlineData("crc64nvme", "x-amz-checksum-crc64nvme")]
    [InlineData(" SHA1 ", "x-amz-checksum-sha1")]
    [InlineData("sha256", "x-amz-checksum-sha256")]
    public void Names_and_header_names_map_both_ways(string name, string headerName)
    {
        var algorithm = ChecksumAlgorithm.FromName(name);

        Assert.NotNull(algorithm);
        Assert.Equal(name.Trim().ToUpperInvariant(), algorithm.Name);
        Assert.Equal(algorithm.Name, algorithm.ToString());
        Assert.Equal(headerName, algorithm.HeaderName);
        Assert.Same(algorithm, ChecksumAlgorithm.FromHeaderName(headerName.ToUpperInvariant()));
        Assert.Same(algorithm, ChecksumAlgorithm.Parse(name));
    }

    [Theory]
    [InlineData("MD5")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_names_are_not_found(string? name)
    {
        Assert.Null(ChecksumAlgorithm.FromName(name));
        Assert.Null(ChecksumAlgorithm.FromHeaderName(name is null ? null : "x-amz-checksum-" + name));
        if (name is not null)
        {
            Assert.Throws<ArgumentException>(() => ChecksumAlgorithm.Parse(name));
        }
    }

    [Fact]
    public void Only_the_crcs_combine()
    {
        Assert.Equal(["CRC32", "CRC32C", "CRC64NVME"], ChecksumAlgorithm.All.Where(a => a.IsCrc).Select(a => a.Name));
        Assert.Equal(["SHA1", "SHA256"], ChecksumAlgorithm.All.Where(a => !a.IsCrc).Select(a => a.Name));
    }

    [Theory]
    [InlineData("CRC32", "AAAAAA==", true)]
    [InlineData("CRC32", "AAAAAAA=", false)]
    [InlineData("CRC32", "AAAA", false)]
    [InlineData("CRC32", "!!!!!!==", false)]
    [InlineData("CRC64NVME", "AAAAAAAAAAA=", true)]
    [InlineData("SHA256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", true)]
    public void Base64_digest_form_is_checked(string name, string value, bool expected) =>
        Assert.Equal(expected, ChecksumAlgorithm.FromName(name)!.IsWellFormedBase64(value));
}
