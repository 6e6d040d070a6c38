using System.Buffers.Binary;
using Vmie.Storage.Checksums;

namespace Vmie.Storage.Tests.Checksums;

public sealed class CrcCombinationTests
{
    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("CRC64NVME")]
    public void Combining_part_crcs_equals_the_crc_of_the_whole(string name)
    {
        var algorithm = ChecksumAlgorithm.Parse(name);
        var data = new byte[100_000];
        new Random(11).NextBytes(data);
        foreach (var split in new[] { 0, 1, 8, 4_097, 99_999, 100_000 })
        {
            var first = ToNumber(algorithm.Compute(data.AsSpan(0, split)));
            var second = ToNumber(algorithm.Compute(data.AsSpan(split)));
            var whole = ToNumber(algorithm.Compute(data));
            Assert.Equal(whole, CrcCombination.Combine(algorithm, first, second, data.Length - split));
        }
    }

    [Fact]
    public void Digests_and_negative_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => CrcCombination.Combine(ChecksumAlgorithm.Sha256, 1, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => CrcCombination.Combine(ChecksumAlgorithm.Crc32, 1, 2, -1));
    }

    private static ulong ToNumber(byte[] value) =>
        value.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : BinaryPrimitives.ReadUInt64BigEndian(value);
}
