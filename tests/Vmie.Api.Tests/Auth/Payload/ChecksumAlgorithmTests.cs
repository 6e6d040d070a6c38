using System.Text;
using Amazon.Runtime.Internal.Util;
using Vmie.Api.Auth.Payload;

namespace Vmie.Api.Tests.Auth.Payload;

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

        var base64 = algorithm.ComputeBase64("123456789"u8);

        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(expectedHex)), base64);
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
        Assert.Equal(headerName, algorithm.HeaderName);
        Assert.Same(algorithm, ChecksumAlgorithm.FromHeaderName(headerName.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("MD5")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_names_are_not_found(string? name)
    {
        Assert.Null(ChecksumAlgorithm.FromName(name));
        Assert.Null(ChecksumAlgorithm.FromHeaderName(name is null ? null : "x-amz-checksum-" + name));
    }

    [Fact]
    public void Incremental_pieces_of_any_size_give_the_one_shot_value()
    {
        var data = new byte[100_003];
        new Random(7).NextBytes(data);
        foreach (var algorithm in ChecksumAlgorithm.All)
        {
            var expected = algorithm.ComputeBase64(data);
            using var calculator = algorithm.CreateCalculator();
            var offset = 0;
            var size = 1;
            while (offset < data.Length)
            {
                var piece = Math.Min(size, data.Length - offset);
                calculator.Append(data.AsSpan(offset, piece));
                offset += piece;
                size = (size * 3) + 1;
            }

            Assert.Equal(expected, calculator.GetBase64Digest());
            Assert.Equal(algorithm.DigestLength, calculator.GetDigest().Length);
        }
    }

    [Fact]
    public void Reset_starts_over()
    {
        foreach (var algorithm in ChecksumAlgorithm.All)
        {
            using var calculator = algorithm.CreateCalculator();
            calculator.Append("something else"u8);
            calculator.Reset();
            calculator.Append("123456789"u8);

            Assert.Equal(algorithm.ComputeBase64("123456789"u8), calculator.GetBase64Digest());
        }
    }

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

    [Fact]
    public void Crc32c_table_path_agrees_with_the_hardware_path()
    {
        var random = new Random(3);
        for (var length = 0; length < 300; length += 7)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(Crc32C.HashToUInt32(data), ~Crc32C.UpdateWithTable(uint.MaxValue, data));
        }
    }

    [Fact]
    public void Crc_classes_emit_big_endian_bytes()
    {
        var crc32C = new Crc32C();
        crc32C.Append("123456789"u8);
        var crc64 = new Crc64Nvme();
        crc64.Append("123456789"u8);

        Assert.Equal(Convert.FromHexString("E3069283"), crc32C.GetCurrentHash());
        Assert.Equal(Convert.FromHexString("AE8B14860A799888"), crc64.GetCurrentHash());
        Assert.Equal(0xAE8B14860A799888UL, Crc64Nvme.HashToUInt64("123456789"u8));
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
