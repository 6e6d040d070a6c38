using Vmie.Ec2.Errors;
using Vmie.Ec2.Paging;

namespace Vmie.Ec2.Tests.Paging;

public sealed class PageTokenTests
{
    [Fact]
    public void A_token_round_trips_within_its_listing_only()
    {
        var token = PageToken.Encode("tags", "snap-1\nName with spaces/ünïcode");

        Assert.Equal("snap-1\nName with spaces/ünïcode", PageToken.Decode("tags", token));
        Assert.Equal("InvalidNextToken", Assert.Throws<Ec2Exception>(() => PageToken.Decode("snapshots", token)).Code);
        Assert.DoesNotContain("snap-1", token, StringComparison.Ordinal);
    }

    [Fact]
    public void Sequence_tokens_hold_a_positive_number()
    {
        Assert.Equal(42, PageToken.DecodeSequence("snapshots", PageToken.EncodeSequence("snapshots", 42)));
        Assert.Equal(0, PageToken.DecodeSequence("snapshots", null));
        Assert.Equal(0, PageToken.DecodeSequence("snapshots", ""));
        Assert.Throws<Ec2Exception>(() => PageToken.DecodeSequence("snapshots", PageToken.Encode("snapshots", "-1")));
        Assert.Throws<Ec2Exception>(() => PageToken.DecodeSequence("snapshots", PageToken.Encode("snapshots", "abc")));
        Assert.Throws<Ec2Exception>(() => PageToken.DecodeSequence("snapshots", "%%%"));
    }

    [Fact]
    public void Page_sizes_are_checked_against_the_operations_range()
    {
        Assert.Null(PageSize.Resolve(null, 5, 1000));
        Assert.Equal(5, PageSize.Resolve(5, 5, 1000));
        Assert.Equal("InvalidParameterValue", Assert.Throws<Ec2Exception>(() => PageSize.Resolve(4, 5, 1000)).Code);
    }
}
