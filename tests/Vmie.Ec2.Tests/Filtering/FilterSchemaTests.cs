using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;

namespace Vmie.Ec2.Tests.Filtering;

public sealed class FilterSchemaTests
{
    private sealed record Item(string Name, int Size, Dictionary<string, string> Tags);

    private static readonly FilterSchema<Item> Schema = new FilterSchema<Item>()
        .Field("name", i => i.Name)
        .Field("size", i => i.Size.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithTags(i => i.Tags);

    private static readonly Item Web = new("web", 8, new() { ["env"] = "prod" });
    private static readonly Item Db = new("db", 100, new());

    private static Filter F(string name, params string[] values) => new() { Name = name, Values = values.ToList() };

    [Fact]
    public void No_filters_match_everything()
    {
        var set = Schema.Parse(null);
        Assert.True(set.IsEmpty);
        Assert.True(set.Matches(Db));
    }

    [Fact]
    public void Values_of_one_filter_are_ORed_and_filters_are_ANDed()
    {
        var set = Schema.Parse([F("name", "web", "db"), F("size", "8")]);
        Assert.True(set.Matches(Web));
        Assert.False(set.Matches(Db));
    }

    [Fact]
    public void Tag_filters_match_on_key_and_value()
    {
        Assert.True(Schema.Parse([F("tag:env", "prod")]).Matches(Web));
        Assert.False(Schema.Parse([F("tag:env", "dev")]).Matches(Web));
        Assert.False(Schema.Parse([F("tag:env", "*")]).Matches(Db));
        Assert.True(Schema.Parse([F("tag-key", "e*")]).Matches(Web));
    }

    [Fact]
    public void Bad_filters_are_refused()
    {
        Assert.Equal("InvalidParameterValue", Assert.Throws<Ec2Exception>(() => Schema.Parse([F("colour", "red")])).Code);
        Assert.Equal("InvalidParameterValue", Assert.Throws<Ec2Exception>(() => Schema.Parse([F("tag:", "x")])).Code);
        Assert.Equal("InvalidParameterValue", Assert.Throws<Ec2Exception>(() => Schema.Parse([F("name")])).Code);
        Assert.Equal("MissingParameter", Assert.Throws<Ec2Exception>(() => Schema.Parse([new Filter { Values = ["x"] }])).Code);
        Assert.Equal("FilterLimitExceeded", Assert.Throws<Ec2Exception>(() => Schema.Parse(Enumerable.Range(0, 51).Select(_ => F("name", "x")).ToList())).Code);
        Assert.Equal("FilterLimitExceeded", Assert.Throws<Ec2Exception>(() => Schema.Parse([F("name", Enumerable.Range(0, 201).Select(i => $"{i}").ToArray())])).Code);
    }
}
