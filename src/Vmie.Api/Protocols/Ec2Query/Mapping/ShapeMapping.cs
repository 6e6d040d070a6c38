using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>A wire shape paired with the CLR type that carries its values, checked once at registration.</summary>
internal abstract class ShapeMapping(WireShape shape, Type clrType)
{
    public WireShape Shape { get; } = shape;

    /// <summary>The declared CLR type (for scalars possibly Nullable&lt;T&gt;).</summary>
    public Type ClrType { get; } = clrType;
}
