using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Tests.Auth.SigV4;

public sealed class CanonicalRequestTests
{
    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/bucket/key", "/bucket/key")]
    [InlineData("/bucket/my%20key", "/bucket/my%20key")]
    [InlineData("/bucket/my key", "/bucket/my%20key")]
    [InlineData("/bucket/a+b", "/bucket/a%2Bb")]
    [InlineData("/bucket/a%2Bb", "/bucket/a%2Bb")]
    [InlineData("/bucket/a%2fb", "/bucket/a%2Fb")]
    [InlineData("/bucket/./../x//y/", "/bucket/./../x//y/")]
    [InlineData("/bucket/%D0%BA%D0%BB%D1%8E%D1%87", "/bucket/%D0%BA%D0%BB%D1%8E%D1%87")]
    [InlineData("/bucket/\u043a", "/bucket/%D0%BA")]
    [InlineData("/bucket/100%", "/bucket/100%25")]
    [InlineData("/bucket/!'()*$", "/bucket/%21%27%28%29%2A%24")]
    [InlineData("/bucket/-._~", "/bucket/-._~")]
    public void S3_uri_decodes_then_encodes_each_segment_once(string rawPath, string expected) =>
        Assert.Equal(expected, CanonicalRequest.S3Uri(rawPath));

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../../b", "/b")]
    [InlineData("//a///b//", "/a/b/")]
    [InlineData("/a%20b", "/a%2520b")]
    [InlineData("/a b", "/a%20b")]
    public void Other_services_normalise_and_encode_the_path_as_sent(string rawPath, string expected) =>
        Assert.Equal(expected, CanonicalRequest.NormalizedUri(rawPath));

    [Theory]
    [InlineData("", "")]
    [InlineData("b=2&a=1", "a=1&b=2")]
    [InlineData("a=2&a=1&a=10", "a=1&a=10&a=2")]
    [InlineData("acl", "acl=")]
    [InlineData("acl=", "acl=")]
    [InlineData("a=1&&b=2&", "a=1&b=2")]
    [InlineData("prefix=a%2Fb&x=a b", "prefix=a%2Fb&x=a%20b")]
    [InlineData("x=a+b", "x=a%2Bb")]
    [InlineData("x=%7E%41", "x=~A")]
    [InlineData("B=1&a=1&_=1", "B=1&_=1&a=1")]
    [InlineData("k=v=w", "k=v%3Dw")]
    public void Query_is_decoded_encoded_and_sorted(string rawQuery, string expected) =>
        Assert.Equal(expected, CanonicalRequest.Query(QueryParameter.ParseAll(rawQuery)));
}
