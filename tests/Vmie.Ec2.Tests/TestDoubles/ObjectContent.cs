namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>The bytes of a test object, produced on demand so that large objects need no large arrays.</summary>
internal abstract class ObjectContent
{
    public abstract long Length { get; }

    public abstract void Read(long offset, Span<byte> destination);

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        Read(0, bytes);
        return bytes;
    }

    public static ObjectContent FromBytes(byte[] bytes) => new ArrayContent(bytes);

    /// <summary>
    /// A deterministic pattern of non-zero bytes with zero-filled holes: every <paramref name="holeEvery"/>-th
    /// MiB (starting with the second) is all zeros, so a snapshot of it stores fewer blocks than it has.
    /// </summary>
    public static ObjectContent Pattern(long length, int holeEvery = 3) => new PatternContent(length, holeEvery);

    /// <summary>Zeros except for the last byte: a large disk that costs nothing to produce.</summary>
    public static ObjectContent ZerosEndingInData(long length) => new ZerosEndingInDataContent(length);

    private sealed class ZerosEndingInDataContent(long length) : ObjectContent
    {
        public override long Length => length;

        public override void Read(long offset, Span<byte> destination)
        {
            destination.Clear();
            if (offset + destination.Length == length && destination.Length > 0)
            {
                destination[^1] = 0xAB;
            }
        }
    }

    private sealed class ArrayContent(byte[] bytes) : ObjectContent
    {
        public override long Length => bytes.Length;

        public override void Read(long offset, Span<byte> destination) => bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    private sealed class PatternContent(long length, int holeEvery) : ObjectContent
    {
        private const int MiB = 1 << 20;

        public override long Length => length;

        public override void Read(long offset, Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                var position = offset + i;
                var mib = position / MiB;
                destination[i] = mib % holeEvery == 1 ? (byte)0 : (byte)((position * 31 + (position >> 20) + 7) % 251 + 1);
            }
        }
    }
}
