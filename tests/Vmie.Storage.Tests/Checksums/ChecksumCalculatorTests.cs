using Vmie.Storage.Checksums;

namespace Vmie.Storage.Tests.Checksums;

public sealed class ChecksumCalculatorTests
{
    [Fact]
    public void Incremental_pieces_of_any_size_give_the_one_shot_value()
    {
        var data = new byte[100_003];
        new Random(7).NextBytes(data);
        foreach (var algorithm in ChecksumAlgorithm.All)
        {
            var expected = algorithm.Compute(data);
            using var calculator = algorithm.CreateCalculator();
            var offset = 0;
            var size = 1;
            // Pieces of 1, 4, 13, 40... bytes: most of them end off an 8-byte word boundary.
            while (offset < data.Length)
            {
                var piece = Math.Min(size, data.Length - offset);
                calculator.Append(data.AsSpan(offset, piece));
                offset += piece;
                size = (size * 3) + 1;
            }

            Assert.Same(algorithm, calculator.Algorithm);
            Assert.Equal(expected, calculator.GetDigest());
            Assert.Equal(Convert.ToBase64String(expected), calculator.GetBase64Digest());
        }
    }

    [Fact]
    public void Digest_into_a_span_does_not_reset_and_refuses_a_short_destination()
    {
        foreach (var algorithm in ChecksumAlgorithm.All)
        {
            using var calculator = algorithm.CreateCalculator();
            calculator.Append("1234"u8);
            var partial = new byte[algorithm.DigestLength + 1];

            Assert.Equal(algorithm.DigestLength, calculator.GetDigest(partial));
            Assert.Equal(algorithm.Compute("1234"u8), partial[..algorithm.DigestLength]);
            Assert.Throws<ArgumentException>(() => calculator.GetDigest(new byte[algorithm.DigestLength - 1]));

            calculator.Append("56789"u8);
            Assert.Equal(algorithm.Compute("123456789"u8), calculator.GetDigest());
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
}
