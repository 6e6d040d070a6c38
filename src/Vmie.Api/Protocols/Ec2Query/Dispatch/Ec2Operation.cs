using Vmie.Api.Protocols.Ec2Query.Mapping;
using Vmie.Api.Protocols.Ec2Query.Model;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Protocols.Ec2Query.Dispatch;

/// <summary>A registered EC2 action: its shapes, the CLR types that carry them, and its handler.</summary>
internal sealed class Ec2Operation(
    Ec2WireOperation wire,
    StructureMapping input,
    StructureMapping? output,
    Func<object, Ec2RequestContext, CancellationToken, Task<object?>> handler)
{
    public string Action => Wire.Name;

    public Ec2WireOperation Wire { get; } = wire;

    public StructureMapping Input { get; } = input;

    /// <summary>Null for actions that answer only &lt;return&gt;true&lt;/return&gt;.</summary>
    public StructureMapping? Output { get; } = output;

    public Task<object?> InvokeAsync(object request, Ec2RequestContext context, CancellationToken cancellationToken) =>
        handler(request, context, cancellationToken);
}
