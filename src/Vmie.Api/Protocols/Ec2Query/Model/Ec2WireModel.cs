using System.Text.Json;

namespace Vmie.Api.Protocols.Ec2Query.Model;

/// <summary>
/// The wire facts of the EC2 API that vmie speaks: operations with their input and output shapes,
/// and every shape they reach (types, member names, locationNames, required members, enums).
/// Loaded from the embedded ec2-wire-model.json, which is derived from botocore's EC2 model
/// (see Model/README.md).
/// </summary>
public sealed class Ec2WireModel
{
    public const string EmbeddedResourceName = "Vmie.Api.Ec2Model.ec2-wire-model.json";

    private static readonly Lazy<Ec2WireModel> EmbeddedModel = new(LoadEmbedded);

    private static readonly Dictionary<string, WireShapeType> TypeNames = new(StringComparer.Ordinal)
    {
        ["structure"] = WireShapeType.Structure,
        ["list"] = WireShapeType.List,
        ["string"] = WireShapeType.String,
        ["boolean"] = WireShapeType.Boolean,
        ["integer"] = WireShapeType.Integer,
        ["long"] = WireShapeType.Long,
        ["double"] = WireShapeType.Double,
        ["timestamp"] = WireShapeType.Timestamp,
        ["blob"] = WireShapeType.Blob,
    };

    private Ec2WireModel(
        string apiVersion,
        string xmlNamespace,
        IReadOnlyDictionary<string, Ec2WireOperation> operations,
        IReadOnlyDictionary<string, WireShape> shapes)
    {
        ApiVersion = apiVersion;
        XmlNamespace = xmlNamespace;
        Operations = operations;
        Shapes = shapes;
    }

    /// <summary>The model embedded in Vmie.Api, loaded once.</summary>
    public static Ec2WireModel Embedded => EmbeddedModel.Value;

    /// <summary>EC2 API version, 2016-11-15.</summary>
    public string ApiVersion { get; }

    /// <summary>Default namespace of success responses (with the trailing slash AWS sends).</summary>
    public string XmlNamespace { get; }

    public IReadOnlyDictionary<string, Ec2WireOperation> Operations { get; }

    public IReadOnlyDictionary<string, WireShape> Shapes { get; }

    /// <summary>Parses a wire model document; any malformed or dangling part throws <see cref="InvalidDataException"/>.</summary>
    public static Ec2WireModel Parse(Stream utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        var root = document.RootElement;
        RequireOnly(root, "model", "apiVersion", "xmlNamespace", "operations", "shapes");

        var shapeElements = Required(root, "shapes", "model");
        var shapes = new Dictionary<string, WireShape>(StringComparer.Ordinal);
        foreach (var property in shapeElements.EnumerateObject())
        {
            shapes.Add(property.Name, CreateShape(property.Name, property.Value));
        }

        foreach (var property in shapeElements.EnumerateObject())
        {
            LinkShape(shapes[property.Name], property.Value, shapes);
        }

        foreach (var shape in shapes.Values.Where(s => s.Type == WireShapeType.Structure))
        {
            shape.IndexRequestKeys();
        }

        var operations = new Dictionary<string, Ec2WireOperation>(StringComparer.Ordinal);
        foreach (var property in Required(root, "operations", "model").EnumerateObject())
        {
            var where = $"operation {property.Name}";
            RequireOnly(property.Value, where, "input", "output");
            operations.Add(property.Name, new Ec2WireOperation(
                property.Name,
                OptionalShapeReference(property.Value, "input", where, shapes),
                OptionalShapeReference(property.Value, "output", where, shapes)));
        }

        return new Ec2WireModel(
            RequiredString(root, "apiVersion", "model"),
            RequiredString(root, "xmlNamespace", "model"),
            operations,
            shapes);
    }

    private static Ec2WireModel LoadEmbedded()
    {
        using var stream = typeof(Ec2WireModel).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {EmbeddedResourceName} is missing from {typeof(Ec2WireModel).Assembly.GetName().Name}.");
        return Parse(stream);
    }

    private static WireShape CreateShape(string name, JsonElement element)
    {
        var where = $"shape {name}";
        var typeName = RequiredString(element, "type", where);
        if (!TypeNames.TryGetValue(typeName, out var type))
        {
            throw new InvalidDataException($"EC2 wire model: {where} has unknown type '{typeName}'.");
        }

        switch (type)
        {
            case WireShapeType.Structure:
                RequireOnly(element, where, "type", "members");
                return new WireShape(name, type, null, null, null);
            case WireShapeType.List:
                RequireOnly(element, where, "type", "member");
                return new WireShape(name, type, null, null, null);
            case WireShapeType.String:
                RequireOnly(element, where, "type", "enum");
                List<string>? enumValues = null;
                if (element.TryGetProperty("enum", out var values))
                {
                    enumValues = [.. values.EnumerateArray().Select(v => v.GetString() ?? throw new InvalidDataException($"EC2 wire model: {where} has a null enum value."))];
                }

                return new WireShape(name, type, enumValues, null, null);
            case WireShapeType.Integer or WireShapeType.Long or WireShapeType.Double:
                RequireOnly(element, where, "type", "min", "max");
                return new WireShape(name, type, null, OptionalLong(element, "min"), OptionalLong(element, "max"));
            default:
                RequireOnly(element, where, "type");
                return new WireShape(name, type, null, null, null);
        }
    }

    private static void LinkShape(WireShape shape, JsonElement element, Dictionary<string, WireShape> shapes)
    {
        var where = $"shape {shape.Name}";
        if (shape.Type == WireShapeType.List)
        {
            var member = Required(element, "member", where);
            RequireOnly(member, where + " member", "shape", "locationName");
            shape.SetListMember(
                ShapeReference(member, "shape", where, shapes),
                member.TryGetProperty("locationName", out var location) ? location.GetString() : null);
        }
        else if (shape.Type == WireShapeType.Structure)
        {
            foreach (var property in Required(element, "members", where).EnumerateObject())
            {
                var memberWhere = $"{where} member {property.Name}";
                RequireOnly(property.Value, memberWhere, "shape", "locationName", "queryName", "required");
                shape.AddMember(new WireMember(
                    property.Name,
                    ShapeReference(property.Value, "shape", memberWhere, shapes),
                    property.Value.TryGetProperty("locationName", out var location) ? location.GetString() : null,
                    property.Value.TryGetProperty("queryName", out var query) ? query.GetString() : null,
                    property.Value.TryGetProperty("required", out var required) && required.GetBoolean()));
            }
        }
    }

    private static WireShape? OptionalShapeReference(JsonElement element, string property, string where, Dictionary<string, WireShape> shapes) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null
            ? ShapeReference(element, property, where, shapes)
            : null;

    private static WireShape ShapeReference(JsonElement element, string property, string where, Dictionary<string, WireShape> shapes)
    {
        var name = RequiredString(element, property, where);
        return shapes.TryGetValue(name, out var shape)
            ? shape
            : throw new InvalidDataException($"EC2 wire model: {where} refers to the undefined shape {name}.");
    }

    private static JsonElement Required(JsonElement element, string property, string where) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value
            : throw new InvalidDataException($"EC2 wire model: {where} lacks '{property}'.");

    private static string RequiredString(JsonElement element, string property, string where) =>
        Required(element, property, where).GetString()
            ?? throw new InvalidDataException($"EC2 wire model: {where} has a null '{property}'.");

    private static long? OptionalLong(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetInt64() : null;

    private static void RequireOnly(JsonElement element, string where, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"EC2 wire model: {where} is not an object.");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw new InvalidDataException($"EC2 wire model: {where} has the unknown property '{property.Name}'.");
            }
        }
    }
}
