namespace Vmie.Api.Protocols.Ec2Query.Model;

/// <summary>A member of a structure shape: its model name, target shape and wire names.</summary>
public sealed class WireMember
{
    internal WireMember(string name, WireShape shape, string? locationName, string? queryName, bool required)
    {
        Name = name;
        Shape = shape;
        LocationName = locationName;
        QueryName = queryName;
        Required = required;
        RequestKey = queryName
            ?? (string.IsNullOrEmpty(locationName) ? name : string.Concat(char.ToUpperInvariant(locationName[0]).ToString(), locationName.AsSpan(1)));
    }

    /// <summary>The model's member name (also the CLR property name).</summary>
    public string Name { get; }

    public WireShape Shape { get; }

    public string? LocationName { get; }

    public string? QueryName { get; }

    public bool Required { get; }

    /// <summary>
    /// The name of this member in an EC2 Query request: queryName, else locationName with its
    /// first letter upper-cased, else the member name.
    /// </summary>
    public string RequestKey { get; }

    /// <summary>The element name of this member in an XML response: locationName, else the member name.</summary>
    public string ElementName => LocationName ?? Name;

    public override string ToString() => $"{Name}:{Shape.Name}";
}
