using System.Diagnostics.CodeAnalysis;
using Vmie.Api.Protocols.Ec2Query.Mapping;
using Vmie.Api.Protocols.Ec2Query.Model;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Protocols.Ec2Query.Dispatch;

/// <summary>
/// The EC2 actions vmie answers. Registering an action checks, at startup, that the request and
/// result types match the model's input and output shapes property by property (see
/// <see cref="ShapeMappingBuilder"/>); a mismatch throws <see cref="InvalidOperationException"/>.
/// Register everything before the endpoint serves requests; lookups are not synchronised with registration.
/// </summary>
public sealed class Ec2OperationRegistry(Ec2WireModel model)
{
    private readonly Dictionary<string, Ec2Operation> _operations = new(StringComparer.Ordinal);
    private readonly ShapeMappingBuilder _requests = new(MappingDirection.Request);
    private readonly ShapeMappingBuilder _results = new(MappingDirection.Result);

    public Ec2OperationRegistry()
        : this(Ec2WireModel.Embedded)
    {
    }

    public Ec2WireModel Model { get; } = model;

    public IReadOnlyCollection<string> Actions => _operations.Keys;

    /// <summary>Registers an action that has an output shape; <typeparamref name="TResult"/> carries it.</summary>
    public Ec2OperationRegistry Register<TRequest, TResult>(
        string action,
        Func<TRequest, Ec2RequestContext, CancellationToken, Task<TResult>> handler)
        where TRequest : class
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Register(action, typeof(TRequest), typeof(TResult), async (request, context, cancellationToken) =>
            await handler((TRequest)request, context, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Registers an action without an output shape; it answers &lt;return&gt;true&lt;/return&gt;.</summary>
    public Ec2OperationRegistry Register<TRequest>(
        string action,
        Func<TRequest, Ec2RequestContext, CancellationToken, Task> handler)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Register(action, typeof(TRequest), null, async (request, context, cancellationToken) =>
        {
            await handler((TRequest)request, context, cancellationToken).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>
    /// Registers an action by its CLR types, for callers that hold handlers without static types (a
    /// domain's catalogue of actions). <paramref name="resultType"/> is null exactly when the action has no
    /// output shape; the handler then returns null.
    /// </summary>
    public Ec2OperationRegistry Register(
        string action,
        Type requestType,
        Type? resultType,
        Func<object, Ec2RequestContext, CancellationToken, Task<object?>> handler)
    {
        ArgumentNullException.ThrowIfNull(requestType);
        ArgumentNullException.ThrowIfNull(handler);
        var wire = Find(action);
        if (wire.Output is null && resultType is not null)
        {
            throw new InvalidOperationException($"EC2 action {action} has no output shape; register it without a result type.");
        }

        if (wire.Output is not null && resultType is null)
        {
            throw new InvalidOperationException($"EC2 action {action} answers {wire.Output.Name}; register it with a result type.");
        }

        var input = BuildInput(wire, requestType);
        var output = wire.Output is null ? null : _results.BuildStructure(wire.Output, resultType!);
        Add(wire, input, output, handler);
        return this;
    }

    internal bool TryGetOperation(string action, [NotNullWhen(true)] out Ec2Operation? operation) =>
        _operations.TryGetValue(action, out operation);

    private Ec2WireOperation Find(string action)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        if (!Model.Operations.TryGetValue(action, out var wire))
        {
            throw new InvalidOperationException($"EC2 action {action} is not in the wire model (Protocols/Ec2Query/Model/ec2-wire-model.json).");
        }

        if (_operations.ContainsKey(action))
        {
            throw new InvalidOperationException($"EC2 action {action} is already registered.");
        }

        return wire;
    }

    private StructureMapping BuildInput(Ec2WireOperation wire, Type requestType) =>
        _requests.BuildStructure(
            wire.Input ?? throw new InvalidOperationException($"EC2 action {wire.Name} has no input shape in the wire model."),
            requestType);

    private void Add(
        Ec2WireOperation wire,
        StructureMapping input,
        StructureMapping? output,
        Func<object, Ec2RequestContext, CancellationToken, Task<object?>> handler) =>
        _operations.Add(wire.Name, new Ec2Operation(wire, input, output, handler));
}
