using Vmie.Api.Protocols.Ec2Query.Binding;
using Vmie.Api.Protocols.Ec2Query.Mapping;
using Vmie.Api.Protocols.Ec2Query.Model;
using Vmie.Ec2.Errors;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Binding;

/// <summary>Binds parameter lines written as botocore's serializer prints them ("K=V  K=V").</summary>
internal static class BinderHarness
{
    public static T Bind<T>(string action, string line) => (T)BindRaw<T>(action, Pairs(line)).Request;

    public static BoundRequest BindRaw<T>(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, Ec2QueryLimits? limits = null)
    {
        var input = new ShapeMappingBuilder(MappingDirection.Request)
            .BuildStructure(Ec2WireModel.Embedded.Operations[action].Input!, typeof(T));
        return new Ec2QueryBinder(limits ?? Ec2QueryLimits.Default).Bind(input, parameters);
    }

    public static Ec2Exception Error<T>(string action, string line) =>
        Assert.Throws<Ec2Exception>(() => BindRaw<T>(action, Pairs(line)));

    public static List<KeyValuePair<string, string>> Pairs(string line) =>
    [
        .. line.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(pair =>
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            return KeyValuePair.Create(pair[..equals], pair[(equals + 1)..]);
        }),
    ];
}
