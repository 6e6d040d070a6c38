using System.Collections;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>A list shape carried by List&lt;T&gt; (or an interface List&lt;T&gt; implements).</summary>
internal sealed class ListMapping(WireShape shape, Type clrType, ShapeMapping element, Func<IList> createList)
    : ShapeMapping(shape, clrType)
{
    public ShapeMapping Element { get; } = element;

    /// <summary>Creates an empty List&lt;T&gt; assignable to the property.</summary>
    public Func<IList> CreateList { get; } = createList;
}
