using Vmie.Ec2.Errors;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Tests.Resources;

public sealed class ResourceKindTests
{
    public static TheoryData<string> Prefixes => new() { "import-snap-", "snap-", "vol-", "ami-", "i-", "import-ami-", "export-ami-", "export-i-" };

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void New_ids_are_the_prefix_and_17_lowercase_hex_digits(string prefix)
    {
        var kind = ResourceKind.All.Single(k => k.Prefix == prefix);
        var ids = Enumerable.Range(0, 200).Select(_ => kind.NewId()).ToList();

        Assert.All(ids, id => Assert.Matches($"^{prefix}[0-9a-f]{{17}}$", id));
        Assert.All(ids, id => Assert.True(kind.IsWellFormed(id)));
        Assert.All(ids, id => Assert.Same(kind, ResourceKind.FromPrefix(id)));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("snap-0123456789abcdef0", true)]
    [InlineData("snap-01234567", true)]
    [InlineData("snap-0123456789ABCDEF0", false)]
    [InlineData("snap-0123456789abcdef", false)]
    [InlineData("snap-0123456789abcdef0a", false)]
    [InlineData("snap-0123456789abcdeg0", false)]
    [InlineData("snap-", false)]
    [InlineData("import-snap-0123456789abcdef0", false)]
    [InlineData(null, false)]
    public void Caller_ids_are_checked_strictly(string? id, bool wellFormed) =>
        Assert.Equal(wellFormed, ResourceKind.Snapshot.IsWellFormed(id));

    [Fact]
    public void The_longest_matching_prefix_names_the_kind()
    {
        Assert.Same(ResourceKind.ImportSnapshotTask, ResourceKind.FromPrefix("import-snap-0123456789abcdef0"));
        Assert.Same(ResourceKind.ExportInstanceTask, ResourceKind.FromPrefix("export-i-0123456789abcdef0"));
        Assert.Same(ResourceKind.Instance, ResourceKind.FromPrefix("i-0123456789abcdef0"));
        Assert.Null(ResourceKind.FromPrefix("sg-0123456789abcdef0"));
    }

    [Fact]
    public void Errors_use_EC2s_codes()
    {
        Assert.Equal("InvalidSnapshotID.Malformed", ResourceKind.Snapshot.Malformed("snap-x").Code);
        var notFound = ResourceKind.Snapshot.NotFound("snap-0123456789abcdef0");
        Assert.Equal(("InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist."), (notFound.Code, notFound.Message));
        Assert.Equal("InvalidConversionTaskId.Malformed", ResourceKind.ImportSnapshotTask.NotFound("import-snap-0123456789abcdef0").Code);
        Assert.Equal("InvalidVolume.NotFound", ResourceKind.Volume.NotFound("vol-0123456789abcdef0").Code);
        Assert.Throws<Ec2Exception>(() => ResourceKind.Snapshot.RequireWellFormed("snap-X"));
        Assert.Equal("snap-01234567", ResourceKind.Snapshot.RequireWellFormed("snap-01234567"));
    }
}
