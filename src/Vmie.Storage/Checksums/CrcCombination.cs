namespace Vmie.Storage.Checksums;

/// <summary>
/// Combines the CRCs of consecutive byte ranges into the CRC of their concatenation without reading the
/// bytes again: CRC(A‖B) = CRC(A)·x^(8·|B|) mod P ⊕ CRC(B) for these reflected CRCs, whose initial and final
/// XOR values cancel out. This is how a multipart object gets a FULL_OBJECT checksum from its parts.
/// </summary>
public static class CrcCombination
{
    /// <summary>The CRC of A‖B given CRC(A), CRC(B) and the length of B.</summary>
    /// <exception cref="ArgumentException"><paramref name="algorithm"/> is not a CRC (see <see cref="ChecksumAlgorithm.IsCrc"/>).</exception>
    public static ulong Combine(ChecksumAlgorithm algorithm, ulong crcOfFirst, ulong crcOfSecond, long lengthOfSecond)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentOutOfRangeException.ThrowIfNegative(lengthOfSecond);
        var polynomial = algorithm.ReflectedCrcPolynomial
            ?? throw new ArgumentException($"'{algorithm}' is not a combinable CRC.", nameof(algorithm));
        var width = algorithm.DigestLength * 8;
        var shift = PowerOfXTimesEightN(lengthOfSecond, width, polynomial);
        return MultiplyModulo(shift, crcOfFirst, width, polynomial) ^ crcOfSecond;
    }

    // In the reflected representation the most significant bit stands for x^0.
    private static ulong MultiplyModulo(ulong a, ulong b, int width, ulong polynomial)
    {
        ulong product = 0;
        for (var mask = 1UL << (width - 1); mask != 0; mask >>= 1)
        {
            if ((a & mask) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ polynomial : b >> 1;
        }

        return product;
    }

    private static ulong PowerOfXTimesEightN(long byteCount, int width, ulong polynomial)
    {
        var one = 1UL << (width - 1);
        var power = one >> 1; // x^1
        for (var i = 0; i < 3; i++)
        {
            power = MultiplyModulo(power, power, width, polynomial); // x^2, x^4, x^8
        }

        var result = one;
        for (var n = (ulong)byteCount; n != 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                result = MultiplyModulo(power, result, width, polynomial);
            }

            power = MultiplyModulo(power, power, width, polynomial);
        }

        return result;
    }
}
