using Vmie.Ec2.Tasks;

namespace Vmie.Ec2.Tests.Tasks;

public sealed class ImportProgressTests
{
    [Theory]
    [InlineData(0, 100, 3)]
    [InlineData(1, 100, 3)]
    [InlineData(50, 100, 51)]
    [InlineData(100, 100, 99)]
    [InlineData(200, 100, 99)]
    [InlineData(10, 0, 3)]
    public void Bytes_map_to_a_percentage_between_3_and_99(long processed, long total, int expected) =>
        Assert.Equal(expected, ImportProgress.FromBytes(processed, total));
}
