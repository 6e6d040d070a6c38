using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>
/// Pairs wire shapes with CLR types by reflection and compiles their accessors, once, at
/// registration. Each public property must be named exactly like a model member and have a CLR
/// type that carries the member's shape; anything else throws <see cref="InvalidOperationException"/>
/// naming the type, the property and the shape, so a typo fails at startup (and in tests).
/// </summary>
internal sealed class ShapeMappingBuilder(MappingDirection direction)
{
    private static readonly Dictionary<Type, (ScalarKind Kind, WireShapeType Wire)> Scalars = new()
    {
        [typeof(string)] = (ScalarKind.String, WireShapeType.String),
        [typeof(bool)] = (ScalarKind.Boolean, WireShapeType.Boolean),
        [typeof(int)] = (ScalarKind.Int32, WireShapeType.Integer),
        [typeof(long)] = (ScalarKind.Int64, WireShapeType.Long),
        [typeof(double)] = (ScalarKind.Double, WireShapeType.Double),
        [typeof(DateTime)] = (ScalarKind.DateTime, WireShapeType.Timestamp),
        [typeof(DateTimeOffset)] = (ScalarKind.DateTimeOffset, WireShapeType.Timestamp),
        [typeof(byte[])] = (ScalarKind.Bytes, WireShapeType.Blob),
    };

    private readonly Dictionary<(WireShape Shape, Type Type), ShapeMapping> _cache = [];
    private readonly List<(WireShape Shape, Type Type)> _addedByCurrentBuild = [];

    public MappingDirection Direction { get; } = direction;

    public StructureMapping BuildStructure(WireShape shape, Type type)
    {
        if (shape.Type != WireShapeType.Structure)
        {
            throw new InvalidOperationException($"{shape.Name} is a {shape.Type}, not a structure; {type.Name} cannot carry it.");
        }

        _addedByCurrentBuild.Clear();
        try
        {
            return (StructureMapping)Build(shape, type, type.Name);
        }
        catch
        {
            // A half-built mapping must not be found by a later registration.
            foreach (var key in _addedByCurrentBuild)
            {
                _cache.Remove(key);
            }

            throw;
        }
    }

    private ShapeMapping Build(WireShape shape, Type type, string path)
    {
        if (_cache.TryGetValue((shape, type), out var cached))
        {
            return cached;
        }

        return shape.Type switch
        {
            WireShapeType.Structure => BuildStructure(shape, type, path),
            WireShapeType.List => BuildList(shape, type, path),
            _ => BuildScalar(shape, type, path),
        };
    }

    private ScalarMapping BuildScalar(WireShape shape, Type type, string path)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (!Scalars.TryGetValue(underlying, out var scalar) || scalar.Wire != shape.Type)
        {
            throw Mismatch(path, type, shape, ExpectedScalar(shape.Type));
        }

        var mapping = new ScalarMapping(shape, type, scalar.Kind);
        Remember(shape, type, mapping);
        return mapping;
    }

    private ListMapping BuildList(WireShape shape, Type type, string path)
    {
        var elementType = ListElementType(type) ?? throw Mismatch(path, type, shape, "List<T>, or an interface of List<T> such as IReadOnlyList<T>");
        var listType = typeof(List<>).MakeGenericType(elementType);
        var element = Build(shape.ListMember!, elementType, path + "[]");
        var create = Expression.Lambda<Func<IList>>(Expression.Convert(Expression.New(listType), typeof(IList))).Compile();
        var mapping = new ListMapping(shape, type, element, create);
        Remember(shape, type, mapping);
        return mapping;
    }

    private StructureMapping BuildStructure(WireShape shape, Type type, string path)
    {
        if (!type.IsClass || type == typeof(string) || type.IsArray || type.IsAbstract || type.IsGenericTypeDefinition)
        {
            throw Mismatch(path, type, shape, "a concrete class");
        }

        Func<object>? create = null;
        if (Direction == MappingDirection.Request)
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new InvalidOperationException($"{path}: {type.Name} carries the request shape {shape.Name} and needs a public parameterless constructor.");
            }

            create = Expression.Lambda<Func<object>>(Expression.New(type)).Compile();
        }

        var mapping = new StructureMapping(shape, type, create);
        Remember(shape, type, mapping);

        var members = new List<MemberMapping>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var propertyPath = $"{path}.{property.Name}";
            var member = shape.FindMember(property.Name)
                ?? throw new InvalidOperationException(
                    $"{propertyPath}: {shape.Name} has no member {property.Name}. Members: {string.Join(", ", shape.Members.Select(m => m.Name))}.");
            if (property.GetIndexParameters().Length > 0)
            {
                throw new InvalidOperationException($"{propertyPath}: indexers cannot carry EC2 members.");
            }

            members.Add(BuildMember(member, property, propertyPath));
        }

        mapping.SetMembers(members);
        return mapping;
    }

    private MemberMapping BuildMember(WireMember member, PropertyInfo property, string path)
    {
        var value = Build(member.Shape, property.PropertyType, path);
        if (property.GetMethod is not { IsPublic: true })
        {
            throw new InvalidOperationException($"{path}: EC2 member properties need a public getter.");
        }

        var target = Expression.Parameter(typeof(object), "target");
        var typedTarget = Expression.Convert(target, property.DeclaringType!);
        var get = Expression.Lambda<Func<object, object?>>(
            Expression.Convert(Expression.Property(typedTarget, property), typeof(object)),
            target).Compile();
        if (Direction == MappingDirection.Result)
        {
            return new MemberMapping(member, property, value, get, null);
        }

        if (property.SetMethod is not { IsPublic: true })
        {
            throw new InvalidOperationException($"{path}: request properties need a public setter (set or init).");
        }

        var input = Expression.Parameter(typeof(object), "value");
        var set = Expression.Lambda<Action<object, object?>>(
            Expression.Assign(Expression.Property(typedTarget, property), Expression.Convert(input, property.PropertyType)),
            target,
            input).Compile();
        return new MemberMapping(member, property, value, get, set);
    }

    private void Remember(WireShape shape, Type type, ShapeMapping mapping)
    {
        _cache.Add((shape, type), mapping);
        _addedByCurrentBuild.Add((shape, type));
    }

    private static Type? ListElementType(Type type)
    {
        if (!type.IsGenericType || type.GetGenericArguments() is not [var element])
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>)
            || definition == typeof(IList<>) || definition == typeof(ICollection<>) || definition == typeof(IEnumerable<>)
            || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
            ? element
            : null;
    }

    private static string ExpectedScalar(WireShapeType type) => type switch
    {
        WireShapeType.String => "string",
        WireShapeType.Boolean => "bool or bool?",
        WireShapeType.Integer => "int or int?",
        WireShapeType.Long => "long or long?",
        WireShapeType.Double => "double or double?",
        WireShapeType.Timestamp => "DateTime, DateTimeOffset or their nullable forms",
        WireShapeType.Blob => "byte[]",
        _ => type.ToString(),
    };

    private static InvalidOperationException Mismatch(string path, Type type, WireShape shape, string expected) =>
        new($"{path}: {type.Name} cannot carry the {shape.Type.ToString().ToLowerInvariant()} shape {shape.Name}; expected {expected}.");
}
