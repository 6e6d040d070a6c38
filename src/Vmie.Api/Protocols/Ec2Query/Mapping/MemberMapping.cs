using System.Reflection;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>A structure member bound to the CLR property of the same name, with compiled accessors.</summary>
internal sealed class MemberMapping(
    WireMember member,
    PropertyInfo property,
    ShapeMapping value,
    Func<object, object?> get,
    Action<object, object?>? set)
{
    public WireMember Member { get; } = member;

    public PropertyInfo Property { get; } = property;

    public ShapeMapping Value { get; } = value;

    public object? Get(object target) => get(target);

    public void Set(object target, object? value) =>
        (set ?? throw new InvalidOperationException($"{Property.DeclaringType?.Name}.{Property.Name} is mapped for results, not requests."))(target, value);
}
