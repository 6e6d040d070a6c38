namespace Vmie.Api.Protocols.Ec2Query.Mapping;

/// <summary>Whether a CLR type is filled from a request (needs setters and constructors) or read into a response.</summary>
internal enum MappingDirection
{
    Request,
    Result,
}
