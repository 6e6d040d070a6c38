using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>
/// A structure shape carried by a CLR class: the members that have a property (in model order) and,
/// for requests, a compiled constructor. Members are filled in after construction so recursive
/// shapes can refer to their own mapping.
/// </summary>
internal sealed class StructureMapping(WireShape shape, Type clrType, Func<object>? create) : ShapeMapping(shape, clrType)
{
    private readonly Dictionary<string, MemberMapping> _byMemberName = new(StringComparer.Ordinal);
    private MemberMapping[] _members = [];

    /// <summary>Mapped members in model order (also the XML element order).</summary>
    public IReadOnlyList<MemberMapping> Members => _members;

    public object Create() =>
        (create ?? throw new InvalidOperationException($"{ClrType.Name} is mapped for results, not requests."))();

    /// <summary>The mapping of a model member, or null when the CLR type has no property for it.</summary>
    public MemberMapping? Find(WireMember member) => _byMemberName.GetValueOrDefault(member.Name);

    internal void SetMembers(IEnumerable<MemberMapping> members)
    {
        _members = [.. members.OrderBy(m => IndexOf(m.Member))];
        foreach (var member in _members)
        {
            _byMemberName.Add(member.Member.Name, member);
        }
    }

    private int IndexOf(WireMember member)
    {
        for (var i = 0; i < Shape.Members.Count; i++)
        {
            if (ReferenceEquals(Shape.Members[i], member))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{member.Name} is not a member of {Shape.Name}.");
    }
}
