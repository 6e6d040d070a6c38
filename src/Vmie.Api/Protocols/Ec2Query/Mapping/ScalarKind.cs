namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>The CLR representation of a scalar wire value.</summary>
internal enum ScalarKind
{
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    DateTime,
    DateTimeOffset,
    Bytes,
}
