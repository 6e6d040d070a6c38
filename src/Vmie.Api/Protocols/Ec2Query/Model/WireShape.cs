namespace Vmie.Api.Protocols.Ec2Query.Model;

/// <summary>
/// A shape of the EC2 wire model. Structures have members, lists a member shape, strings may
/// have enum values and numbers a range. Shapes are linked by <see cref="Ec2WireModel"/> when it
/// loads and are immutable afterwards.
/// </summary>
public sealed class WireShape
{
    /// <summary>Element name of list entries when the model gives none.</summary>
    public const string DefaultListEntryName = "item";

    private readonly Dictionary<string, WireMember> _membersByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WireMember> _membersByRequestKey = new(StringComparer.Ordinal);
    private readonly List<WireMember> _members = [];

    internal WireShape(string name, WireShapeType type, IReadOnlyList<string>? enumValues, long? minimum, long? maximum)
    {
        Name = name;
        Type = type;
        EnumValues = enumValues;
        Minimum = minimum;
        Maximum = maximum;
    }

    public string Name { get; }

    public WireShapeType Type { get; }

    /// <summary>Allowed values of an enum string shape; null for an open string or any other type.</summary>
    public IReadOnlyList<string>? EnumValues { get; }

    /// <summary>Smallest allowed value of a number shape, if the model bounds it.</summary>
    public long? Minimum { get; }

    /// <summary>Largest allowed value of a number shape, if the model bounds it.</summary>
    public long? Maximum { get; }

    /// <summary>Members of a structure, in model order (which is also the XML element order).</summary>
    public IReadOnlyList<WireMember> Members => _members;

    /// <summary>Shape of a list's entries; null unless this is a list.</summary>
    public WireShape? ListMember { get; private set; }

    /// <summary>Element name of each entry of a list in an XML response.</summary>
    public string ListEntryName { get; private set; } = DefaultListEntryName;

    /// <summary>The locationName the model gives a list's entries, if any.</summary>
    internal string? ListMemberLocationName { get; private set; }

    public WireMember? FindMember(string memberName) => _membersByName.GetValueOrDefault(memberName);

    /// <summary>
    /// The member a request key segment names. Besides each member's <see cref="WireMember.RequestKey"/>,
    /// list members are also found by their model name and by their entries' locationName, because
    /// clients mix up <c>Filter.N</c> and <c>Filters.N</c>; an alias that would be ambiguous is not kept.
    /// </summary>
    public WireMember? FindMemberByRequestKey(string key) => _membersByRequestKey.GetValueOrDefault(key);

    internal void SetListMember(WireShape member, string? locationName)
    {
        ListMember = member;
        ListMemberLocationName = locationName;
        ListEntryName = locationName ?? DefaultListEntryName;
    }

    internal void AddMember(WireMember member)
    {
        if (!_membersByName.TryAdd(member.Name, member))
        {
            throw new InvalidDataException($"EC2 wire model: shape {Name} declares member {member.Name} twice.");
        }

        _members.Add(member);
    }

    /// <summary>Builds the request-key index once every shape is linked (aliases need list entry names).</summary>
    internal void IndexRequestKeys()
    {
        foreach (var member in _members)
        {
            if (!_membersByRequestKey.TryAdd(member.RequestKey, member))
            {
                throw new InvalidDataException(
                    $"EC2 wire model: members {_membersByRequestKey[member.RequestKey].Name} and {member.Name} of {Name} share the request key {member.RequestKey}.");
            }
        }

        var aliasCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var aliases = new List<(string Alias, WireMember Member)>();
        foreach (var member in _members.Where(m => m.Shape.Type == WireShapeType.List))
        {
            foreach (var alias in new[] { member.Name, member.Shape.ListMemberLocationName })
            {
                if (alias is null || alias == DefaultListEntryName || alias == member.RequestKey
                    || _membersByRequestKey.ContainsKey(alias) || aliases.Contains((alias, member)))
                {
                    continue;
                }

                aliases.Add((alias, member));
                aliasCounts[alias] = aliasCounts.GetValueOrDefault(alias) + 1;
            }
        }

        foreach (var (alias, member) in aliases.Where(a => aliasCounts[a.Alias] == 1))
        {
            _membersByRequestKey.Add(alias, member);
        }
    }

    public override string ToString() => Name;
}
