using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Model;

/// <summary>
/// Derives src/Vmie.Api/Protocols/Ec2Query/Model/ec2-wire-model.json from botocore's EC2 model
/// (service-2.json[.gz], or a subset of it): the operations vmie serves and the
/// closure of their shapes, keeping only wire facts. Rules are in Model/README.md.
/// </summary>
internal static class WireModelGenerator
{
    /// <summary>The operations vmie serves or will serve.</summary>
    public static readonly string[] Operations =
    [
        "AttachVolume", "CancelConversionTask", "CancelExportTask", "CancelImportTask", "CreateInstanceExportTask",
        "CreateTags", "CreateVolume", "DeleteSnapshot", "DeleteTags", "DeleteVolume", "DeregisterImage", "DescribeConversionTasks",
        "DescribeExportImageTasks", "DescribeExportTasks", "DescribeImages", "DescribeImportImageTasks",
        "DescribeImportSnapshotTasks", "DescribeSnapshots", "DescribeTags", "DescribeVolumes", "ExportImage",
        "ImportImage", "ImportInstance", "ImportSnapshot", "ImportVolume", "RegisterImage",
    ];

    /// <summary>Enums longer than this (InstanceType: 1,200+ values, growing monthly) are kept as open strings.</summary>
    public const int MaxEnumValues = 200;

    public const string DefaultApiVersion = "2016-11-15";

    public const string DefaultXmlNamespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    // Shape and member keys that carry no wire fact (documentation, client-side hints).
    private static readonly HashSet<string> IgnoredShapeKeys = ["documentation", "sensitive", "deprecated", "deprecatedMessage", "exception", "error", "fault", "pattern"];
    private static readonly HashSet<string> IgnoredMemberKeys = ["documentation", "idempotencyToken", "deprecated", "deprecatedMessage", "box"];

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Shapes the source may lack (a subset may have no DeleteTags); botocore's full model has them.</summary>
    private static JsonObject Supplement() => new()
    {
        ["operations"] = new JsonObject
        {
            ["DeleteTags"] = new JsonObject { ["name"] = "DeleteTags", ["input"] = new JsonObject { ["shape"] = "DeleteTagsRequest" } },
        },
        ["shapes"] = new JsonObject
        {
            ["DeleteTagsRequest"] = new JsonObject
            {
                ["type"] = "structure",
                ["required"] = new JsonArray("Resources"),
                ["members"] = new JsonObject
                {
                    ["DryRun"] = new JsonObject { ["shape"] = "Boolean", ["locationName"] = "dryRun" },
                    ["Resources"] = new JsonObject { ["shape"] = "ResourceIdList", ["locationName"] = "resourceId" },
                    ["Tags"] = new JsonObject { ["shape"] = "TagList", ["locationName"] = "tag" },
                },
            },
        },
    };

    public static JsonObject ReadBotocoreModel(string path)
    {
        using Stream file = File.OpenRead(path);
        using var content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return JsonNode.Parse(content)?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object.");
    }

    public static JsonObject Generate(JsonObject botocore) => Generate(botocore, Operations);

    public static JsonObject Generate(JsonObject botocore, IReadOnlyList<string> operationNames)
    {
        var supplement = Supplement();
        var sourceOperations = Object(botocore, "operations");
        var sourceShapes = Object(botocore, "shapes");

        JsonObject FindOperation(string name) =>
            (sourceOperations[name] ?? supplement["operations"]![name])?.AsObject()
                ?? throw new InvalidDataException($"The source model has no operation {name}.");

        JsonObject FindShape(string name) =>
            (sourceShapes[name] ?? supplement["shapes"]![name])?.AsObject()
                ?? throw new InvalidDataException($"The source model has no shape {name}.");

        var operations = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var name in operationNames)
        {
            var source = FindOperation(name);
            var operation = new JsonObject();
            foreach (var direction in new[] { "input", "output" })
            {
                if (source[direction]?["shape"]?.GetValue<string>() is { } shape)
                {
                    operation[direction] = shape;
                    pending.Push(shape);
                }
            }

            operations.Add(name, operation);
        }

        var shapes = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        while (pending.TryPop(out var name))
        {
            if (!shapes.ContainsKey(name))
            {
                shapes.Add(name, ConvertShape(name, FindShape(name), pending));
            }
        }

        var metadata = botocore["metadata"]?.AsObject();
        var xmlNamespace = metadata?["xmlNamespace"]?.GetValue<string>() ?? DefaultXmlNamespace;
        return new JsonObject
        {
            ["apiVersion"] = metadata?["apiVersion"]?.GetValue<string>() ?? DefaultApiVersion,

            // AWS answers with the trailing slash that botocore's metadata omits.
            ["xmlNamespace"] = xmlNamespace.EndsWith('/') ? xmlNamespace : xmlNamespace + "/",
            ["operations"] = ToObject(operations),
            ["shapes"] = ToObject(shapes),
        };
    }

    /// <summary>The committed layout: one line per operation and per shape, so diffs stay readable.</summary>
    public static string Format(JsonObject wireModel)
    {
        var text = new StringBuilder();
        text.Append("{\n");
        text.Append("  \"apiVersion\": ").Append(wireModel["apiVersion"]!.ToJsonString(LineOptions)).Append(",\n");
        text.Append("  \"xmlNamespace\": ").Append(wireModel["xmlNamespace"]!.ToJsonString(LineOptions)).Append(",\n");
        AppendSection(text, "operations", Object(wireModel, "operations"), last: false);
        AppendSection(text, "shapes", Object(wireModel, "shapes"), last: true);
        text.Append("}\n");
        return text.ToString();
    }

    private static void AppendSection(StringBuilder text, string name, JsonObject entries, bool last)
    {
        text.Append("  \"").Append(name).Append("\": {\n");
        var index = 0;
        foreach (var (key, value) in entries)
        {
            text.Append("    ").Append(JsonValue.Create(key).ToJsonString(LineOptions)).Append(": ").Append(value!.ToJsonString(LineOptions));
            text.Append(++index < entries.Count ? ",\n" : "\n");
        }

        text.Append(last ? "  }\n" : "  },\n");
    }

    private static JsonObject ConvertShape(string name, JsonObject source, Stack<string> pending)
    {
        var type = source["type"]?.GetValue<string>() ?? throw new InvalidDataException($"Shape {name} has no type.");
        var result = new JsonObject { ["type"] = type };
        var handled = new HashSet<string> { "type" };
        switch (type)
        {
            case "structure":
                handled.UnionWith(["members", "required"]);
                var required = source["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
                var members = new JsonObject();
                foreach (var (memberName, memberNode) in Object(source, "members"))
                {
                    members.Add(memberName, ConvertMember($"{name}.{memberName}", memberNode!.AsObject(), required.Remove(memberName), pending));
                }

                if (required.Count > 0)
                {
                    throw new InvalidDataException($"Shape {name} requires undeclared members: {string.Join(", ", required)}.");
                }

                result["members"] = members;
                break;
            case "list":
                handled.Add("member");
                var member = Object(source, "member");
                var memberShape = member["shape"]!.GetValue<string>();
                CheckKeys($"{name}.member", member, ["shape", "locationName"], IgnoredMemberKeys);
                var converted = new JsonObject { ["shape"] = memberShape };
                if (member["locationName"] is { } location)
                {
                    converted["locationName"] = location.GetValue<string>();
                }

                result["member"] = converted;
                pending.Push(memberShape);
                break;
            case "string":
                // String length limits are request validation the domain words itself; they are not wire facts.
                handled.UnionWith(["enum", "min", "max"]);
                if (source["enum"] is JsonArray values && values.Count <= MaxEnumValues)
                {
                    result["enum"] = new JsonArray([.. values.Select(v => JsonValue.Create(v!.GetValue<string>()))]);
                }

                break;
            case "integer" or "long" or "double":
                handled.UnionWith(["min", "max"]);
                foreach (var bound in new[] { "min", "max" })
                {
                    if (source[bound] is { } value)
                    {
                        result[bound] = value.GetValue<long>();
                    }
                }

                break;
            case "boolean" or "timestamp" or "blob":
                break;
            default:
                throw new InvalidDataException($"Shape {name} has type '{type}', which the EC2 wire model does not support.");
        }

        CheckKeys(name, source, handled, IgnoredShapeKeys);
        return result;
    }

    private static JsonObject ConvertMember(string where, JsonObject source, bool required, Stack<string> pending)
    {
        CheckKeys(where, source, ["shape", "locationName", "queryName"], IgnoredMemberKeys);
        var shape = source["shape"]!.GetValue<string>();
        pending.Push(shape);
        var member = new JsonObject { ["shape"] = shape };
        foreach (var key in new[] { "locationName", "queryName" })
        {
            if (source[key] is { } value)
            {
                member[key] = value.GetValue<string>();
            }
        }

        if (required)
        {
            member["required"] = true;
        }

        return member;
    }

    // A key that changes the wire (flattened, timestampFormat, xmlAttribute...) must be understood, not dropped.
    private static void CheckKeys(string where, JsonObject source, IEnumerable<string> handled, HashSet<string> ignored)
    {
        var known = handled.ToHashSet();
        foreach (var (key, _) in source)
        {
            if (!known.Contains(key) && !ignored.Contains(key))
            {
                throw new InvalidDataException($"{where} has '{key}', which the generator does not understand.");
            }
        }
    }

    private static JsonObject Object(JsonObject parent, string name) =>
        parent[name]?.AsObject() ?? throw new InvalidDataException($"Missing object '{name}'.");

    private static JsonObject ToObject(SortedDictionary<string, JsonObject> entries)
    {
        var result = new JsonObject();
        foreach (var (key, value) in entries)
        {
            result.Add(key, value);
        }

        return result;
    }
}
