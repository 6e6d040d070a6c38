using System.Buffers.Binary;
using System.Text;
using Vmie.Storage.Objects.Checksums;

namespace Vmie.Storage.Tests.Objects;

public sealed class ChecksumTests
{
    private static readonly byte[] CheckInput = Encoding.ASCII.GetBytes("123456789");

    [Fact]
    public void Crc32C_matches_the_catalogued_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.HashToUInt32(CheckInput));

    [Fact]
    public void Crc64Nvme_matches_the_catalogued_check_value() =>
        Assert.Equal(0xAE8B14860A799888UL, Crc64Nvme.HashToUInt64(CheckInput));

    [Theory]
    [InlineData(ChecksumAlgorithms.Crc32, "y/Q5Jg==")]
    [InlineData(ChecksumAlgorithms.Crc32C, "4waSgw==")]
    [InlineData(ChecksumAlgorithms.Crc64Nvme, "rosUhgp5mIg=")]
    public void Values_are_big_endian_base64_as_S3_sends_them(string algorithm, string expected) =>
        Assert.Equal(expected, Convert.ToBase64String(RunningChecksum.Compute(algorithm, CheckInput)));

    [Fact]
    public void Incremental_appends_equal_one_shot_hash_across_odd_boundaries()
    {
        var data = new byte[10_007];
        new Random(7).NextBytes(data);
        foreach (var algorithm in ChecksumAlgorithms.All)
        {
            using var running = RunningChecksum.Create(algorithm);
            running.Append(data.AsSpan(0, 3));
            running.Append(data.AsSpan(3, 4_000));
            running.Append(data.AsSpan(4_003));
            Assert.Equal(RunningChecksum.Compute(algorithm, data), running.GetValue());
        }
    }

    [Theory]
    [InlineData(ChecksumAlgorithms.Crc32)]
    [InlineData(ChecksumAlgorithms.Crc32C)]
    [InlineData(ChecksumAlgorithms.Crc64Nvme)]
    public void Combining_part_crcs_equals_the_crc_of_the_whole(string algorithm)
    {
        var data = new byte[100_000];
        new Random(11).NextBytes(data);
        foreach (var split in new[] { 0, 1, 8, 4_097, 99_999, 100_000 })
        {
            var first = ToNumber(RunningChecksum.Compute(algorithm, data.AsSpan(0, split)));
            var second = ToNumber(RunningChecksum.Compute(algorithm, data.AsSpan(split)));
            var whole = ToNumber(RunningChecksum.Compute(algorithm, data));
            Assert.Equal(whole, CrcCombination.Combine(algorithm, first, second, data.Length - split));
        }
    }

    private static ulong ToNumber(byte[] value) =>
        value.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : BinaryPrimitives.ReadUInt64BigEndian(value);
}
