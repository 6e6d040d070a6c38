using System.Text;
using Vmie.Storage.Objects;

namespace Vmie.Storage.Tests.Objects;

public sealed class ObjectKeyOrderTests
{
    [Theory]
    [InlineData("a", "b")]
    [InlineData("a", "a/")]
    [InlineData("a/", "a0")]
    [InlineData("\uFFFD", "\U0001F600")] // UTF-16 ordinal order says the opposite
    [InlineData("Z", "a")]
    public void Orders_by_utf8_bytes(string smaller, string larger)
    {
        Assert.True(ObjectKeyOrder.Compare(smaller, larger) < 0);
        Assert.True(ObjectKeyOrder.Compare(larger, smaller) > 0);
        Assert.True(Encoding.UTF8.GetBytes(smaller).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(larger)) < 0);
    }

    [Theory]
    [InlineData("a/", "a0")]
    [InlineData("photos/2024/", "photos/20240")]
    [InlineData("x\uD7FF", "x\uE000")]
    [InlineData("x\U0010FFFF", "y")]
    public void Prefix_upper_bound_is_the_first_string_past_the_prefix(string prefix, string expected) =>
        Assert.Equal(expected, ObjectKeyOrder.PrefixUpperBound(prefix));

    [Fact]
    public void Prefix_of_only_the_last_code_point_has_no_upper_bound() =>
        Assert.Null(ObjectKeyOrder.PrefixUpperBound("\U0010FFFF"));
}
