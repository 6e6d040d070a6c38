using System.Text.Json.Nodes;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Model;

public class WireModelGeneratorTests
{
    private static JsonObject Botocore(string json) => JsonNode.Parse(json)!.AsObject();

    private const string Fragment = """
        {
          "metadata": {"apiVersion": "2016-11-15", "xmlNamespace": "http://ec2.amazonaws.com/doc/2016-11-15"},
          "operations": {
            "Op": {"name": "Op", "http": {"method": "POST"}, "input": {"shape": "OpRequest"}, "output": {"shape": "OpResult"}, "documentation": "x"},
            "Other": {"name": "Other", "input": {"shape": "Unused"}}
          },
          "shapes": {
            "OpRequest": {"type": "structure", "required": ["Ids"], "members": {
              "Ids": {"shape": "IdList", "locationName": "Id", "documentation": "d"},
              "Token": {"shape": "String", "idempotencyToken": true},
              "Kind": {"shape": "Kind", "queryName": "TheKind"},
              "Count": {"shape": "Bounded"}
            }, "documentation": "doc"},
            "IdList": {"type": "list", "member": {"shape": "String", "locationName": "item"}},
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Bounded": {"type": "integer", "min": 1, "max": 500},
            "Name": {"type": "string", "min": 3, "max": 128, "sensitive": true},
            "OpResult": {"type": "structure", "members": {"Name": {"shape": "Name", "locationName": "name"}}},
            "String": {"type": "string"},
            "Unused": {"type": "structure", "members": {}}
          }
        }
        """;

    [Fact]
    public void Generate_KeepsOnlyWireFactsOfTheReachableShapes()
    {
        var model = WireModelGenerator.Generate(Botocore(Fragment), ["Op"]);

        Assert.Equal("http://ec2.amazonaws.com/doc/2016-11-15/", model["xmlNamespace"]!.GetValue<string>());
        Assert.Equal("""{"input":"OpRequest","output":"OpResult"}""", model["operations"]!["Op"]!.ToJsonString());
        Assert.Null(model["operations"]!["Other"]);
        var shapes = model["shapes"]!.AsObject();
        Assert.Equal(["Bounded", "IdList", "Kind", "Name", "OpRequest", "OpResult", "String"], shapes.Select(s => s.Key));
        Assert.Equal(
            """{"type":"structure","members":{"Ids":{"shape":"IdList","locationName":"Id","required":true},"Token":{"shape":"String"},"Kind":{"shape":"Kind","queryName":"TheKind"},"Count":{"shape":"Bounded"}}}""",
            shapes["OpRequest"]!.ToJsonString());
        Assert.Equal("""{"type":"list","member":{"shape":"String","locationName":"item"}}""", shapes["IdList"]!.ToJsonString());
        Assert.Equal("""{"type":"integer","min":1,"max":500}""", shapes["Bounded"]!.ToJsonString());
        Assert.Equal("""{"type":"string"}""", shapes["Name"]!.ToJsonString());
    }

    [Fact]
    public void Generate_DropsHugeEnums()
    {
        var values = string.Join(",", Enumerable.Range(0, WireModelGenerator.MaxEnumValues + 1).Select(i => $"\"t{i}\""));
        var source = Botocore("""
            {"operations": {"Op": {"input": {"shape": "R"}}},
             "shapes": {"R": {"type": "structure", "members": {"T": {"shape": "T"}}}, "T": {"type": "string", "enum": [VALUES]}}}
            """.Replace("VALUES", values, StringComparison.Ordinal));

        var model = WireModelGenerator.Generate(source, ["Op"]);

        Assert.Equal("""{"type":"string"}""", model["shapes"]!["T"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"type": "list", "member": {"shape": "S"}, "flattened": true}""")]
    [InlineData("""{"type": "timestamp", "timestampFormat": "unixTimestamp"}""")]
    [InlineData("""{"type": "float"}""")]
    public void Generate_RefusesWhatChangesTheWireButIsNotUnderstood(string shape)
    {
        var source = Botocore("""
            {"operations": {"Op": {"input": {"shape": "R"}}},
             "shapes": {"R": {"type": "structure", "members": {"X": {"shape": "X"}}}, "S": {"type": "string"}, "X": SHAPE}}
            """.Replace("SHAPE", shape, StringComparison.Ordinal));

        Assert.Throws<InvalidDataException>(() => WireModelGenerator.Generate(source, ["Op"]));
    }

    [Fact]
    public void Generate_SuppliesDeleteTagsWhenTheSourceLacksIt()
    {
        var source = Botocore("""
            {"operations": {},
             "shapes": {"Boolean": {"type": "boolean"}, "ResourceIdList": {"type": "list", "member": {"shape": "String"}},
                        "TagList": {"type": "list", "member": {"shape": "Tag", "locationName": "item"}},
                        "Tag": {"type": "structure", "members": {"Key": {"shape": "String", "locationName": "key"}}},
                        "String": {"type": "string"}}}
            """);

        var model = WireModelGenerator.Generate(source, ["DeleteTags"]);

        Assert.Equal("""{"input":"DeleteTagsRequest"}""", model["operations"]!["DeleteTags"]!.ToJsonString());
        Assert.Equal(
            """{"type":"structure","members":{"DryRun":{"shape":"Boolean","locationName":"dryRun"},"Resources":{"shape":"ResourceIdList","locationName":"resourceId","required":true},"Tags":{"shape":"TagList","locationName":"tag"}}}""",
            model["shapes"]!["DeleteTagsRequest"]!.ToJsonString());
    }

    [Fact]
    public void CommittedModel_IsInTheGeneratorsLayout()
    {
        var committed = File.ReadAllText(WireModelFiles.CommittedModelPath);

        var reformatted = WireModelGenerator.Format(JsonNode.Parse(committed)!.AsObject());

        Assert.Equal(committed, reformatted);
    }

    [Fact]
    public void CommittedModel_HoldsExactlyTheGeneratorsOperations()
    {
        Assert.Equal(WireModelGenerator.Operations.Order(StringComparer.Ordinal), Ec2WireModel.Embedded.Operations.Keys.Order(StringComparer.Ordinal));
    }

    [RegenerationFact]
    public void Regenerate_WritesTheCommittedModelFromBotocore()
    {
        var source = WireModelGenerator.ReadBotocoreModel(Environment.GetEnvironmentVariable(RegenerationFactAttribute.VariableName)!);

        var text = WireModelGenerator.Format(WireModelGenerator.Generate(source));
        File.WriteAllText(WireModelFiles.CommittedModelPath, text);

        using var stream = File.OpenRead(WireModelFiles.CommittedModelPath);
        Assert.Equal(WireModelGenerator.Operations.Length, Ec2WireModel.Parse(stream).Operations.Count);
    }
}
