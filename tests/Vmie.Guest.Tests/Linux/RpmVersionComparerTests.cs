using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class RpmVersionComparerTests
{
    [Theory]
    [InlineData("1.0", "1.0", 0)]
    [InlineData("1.0", "1.1", -1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("1.01", "1.1", 0)]
    [InlineData("1.0a", "1.0", 1)]
    [InlineData("1.0", "1.0a", -1)]
    [InlineData("2.0", "2a", 1)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~rc1", "1.0~rc2", -1)]
    [InlineData("5.14.0-427.13.1.el9_4.x86_64", "5.14.0-362.8.1.el9_3.x86_64", 1)]
    [InlineData("4.18.0-513.5.1.el8_9.x86_64", "4.18.0-80.el8.x86_64", 1)]
    [InlineData("6.1.0-18-amd64", "6.1.0-9-amd64", 1)]
    [InlineData("a", "b", -1)]
    public void Orders_as_rpmvercmp(string left, string right, int expected)
    {
        Assert.Equal(expected, RpmVersionComparer.Instance.Compare(left, right));
        Assert.Equal(-expected, RpmVersionComparer.Instance.Compare(right, left));
    }
}
