using Vmie.Ec2.Filtering;

namespace Vmie.Ec2.Tests.Filtering;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("web", "web", true)]
    [InlineData("web", "Web", false)]
    [InlineData("web", "webs", false)]
    [InlineData("web*", "web server", true)]
    [InlineData("*server", "web server", true)]
    [InlineData("*e*", "deleted", true)]
    [InlineData("*", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("w?b", "web", true)]
    [InlineData("w?b", "wb", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData(@"100\*", "100*", true)]
    [InlineData(@"100\*", "1000", false)]
    [InlineData(@"what\?", "what?", true)]
    [InlineData("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void Matches_like_EC2_filter_values(string pattern, string text, bool expected) =>
        Assert.Equal(expected, WildcardPattern.IsMatch(pattern, text));
}
