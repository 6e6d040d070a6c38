using System.Globalization;
using Vmie.Api.Protocols.Ec2Query.Mapping;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Binding;

/// <summary>
/// Fills a request object from EC2 Query parameters by walking the operation's input shape:
/// structure members are joined with '.', lists are always flattened as Name.N (any positive
/// indexes, taken in numeric order), names are case-sensitive. Errors are EC2's: UnknownParameter,
/// MissingParameter, InvalidParameterValue; a model member the request type does not carry is
/// refused as InvalidParameter rather than silently ignored.
/// </summary>
internal sealed class Ec2QueryBinder(Ec2QueryLimits limits)
{
    private const string DryRunMember = "DryRun";

    private const int MaxIndexDigits = 9;

    /// <param name="parameters">Decoded form and query pairs, protocol parameters (Action, Version, X-Amz-*...) removed.</param>
    public BoundRequest Bind(StructureMapping input, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var root = ParameterNode.Build(parameters, limits);
        var request = input.Create();
        var dryRun = false;
        BindMembers(input, root, request, onUnmapped: (member, node) =>
        {
            // DryRun is honoured by the endpoint for every operation, whether or not the request type carries it.
            if (member.Name == DryRunMember && member.Shape.Type == WireShapeType.Boolean)
            {
                dryRun = (bool)new ScalarMapping(member.Shape, typeof(bool), ScalarKind.Boolean).Parse(Leaf(node), node.Path);
                return true;
            }

            return false;
        });

        if (input.Shape.FindMember(DryRunMember) is { } dryRunMember && input.Find(dryRunMember) is { } mapped)
        {
            dryRun = mapped.Get(request) is true;
        }

        return new BoundRequest(request, dryRun);
    }

    private void BindMembers(StructureMapping mapping, ParameterNode node, object target, Func<WireMember, ParameterNode, bool>? onUnmapped = null)
    {
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (segment, child) in node.Children ?? [])
        {
            var member = mapping.Shape.FindMemberByRequestKey(segment) ?? throw Ec2ProtocolErrors.UnknownParameter(child.FirstKey);
            if (!bound.TryAdd(member.Name, child.Path))
            {
                throw Ec2ProtocolErrors.ConflictingParameters(bound[member.Name], child.Path);
            }

            if (mapping.Find(member) is { } memberMapping)
            {
                memberMapping.Set(target, BindValue(memberMapping.Value, child));
            }
            else if (onUnmapped is null || !onUnmapped(member, child))
            {
                throw Ec2ProtocolErrors.UnsupportedParameter(child.FirstKey);
            }
        }

        foreach (var member in mapping.Shape.Members)
        {
            if (member.Required && !bound.ContainsKey(member.Name))
            {
                throw Ec2ProtocolErrors.MissingParameter(node.Path.Length == 0 ? member.RequestKey : $"{node.Path}.{member.RequestKey}");
            }
        }
    }

    private object BindValue(ShapeMapping mapping, ParameterNode node)
    {
        switch (mapping)
        {
            case ScalarMapping scalar:
                return scalar.Parse(Leaf(node), node.Path);
            case ListMapping list:
                return BindList(list, node);
            case StructureMapping structure:
                // The query protocol sends an empty structure as "Name="; anything else there is a mistake.
                if (!string.IsNullOrEmpty(node.Value))
                {
                    throw Ec2ProtocolErrors.InvalidParameterValue(node.Path, node.Value, $"{node.Path} is a structure; send its members as {node.Path}.<Member>.");
                }

                var value = structure.Create();
                BindMembers(structure, node, value);
                return value;
            default:
                throw new InvalidOperationException($"Unknown mapping {mapping.GetType().Name}.");
        }
    }

    private object BindList(ListMapping mapping, ParameterNode node)
    {
        // The query protocol sends an empty list as "Name="; a plain value there means a forgotten index.
        if (!string.IsNullOrEmpty(node.Value))
        {
            throw Ec2ProtocolErrors.InvalidParameterValue(node.Path, node.Value, $"{node.Path} is a list; send its entries as {node.Path}.1, {node.Path}.2 ...");
        }

        var children = node.Children ?? [];
        if (children.Count > limits.MaxListEntries)
        {
            throw Ec2ProtocolErrors.TooManyListEntries(node.Path, limits.MaxListEntries);
        }

        var entries = new List<(int Index, ParameterNode Node)>(children.Count);
        foreach (var (segment, child) in children)
        {
            entries.Add((ParseIndex(segment, child), child));
        }

        entries.Sort((a, b) => a.Index.CompareTo(b.Index));
        var list = mapping.CreateList();
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0 && entries[i].Index == entries[i - 1].Index)
            {
                throw Ec2ProtocolErrors.ConflictingParameters(entries[i - 1].Node.Path, entries[i].Node.Path);
            }

            list.Add(BindValue(mapping.Element, entries[i].Node));
        }

        return list;
    }

    private static int ParseIndex(string segment, ParameterNode node)
    {
        if (segment.Length > MaxIndexDigits
            || !segment.All(char.IsAsciiDigit)
            || !int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || index < 1)
        {
            throw Ec2ProtocolErrors.InvalidListIndex(node.FirstKey, segment);
        }

        return index;
    }

    private static string Leaf(ParameterNode node)
    {
        if (node.Children is { Count: > 0 } children)
        {
            throw Ec2ProtocolErrors.UnknownParameter(children.Values.First().FirstKey);
        }

        return node.Value ?? throw new InvalidOperationException($"Parameter node {node.Path} has neither a value nor children.");
    }
}
