namespace Vmie.Api.Protocols.Ec2Query.Model;

/// <summary>The wire type of a shape in the EC2 model (botocore's shape "type").</summary>
public enum WireShapeType
{
    Structure,
    List,
    String,
    Boolean,
    Integer,
    Long,
    Double,
    Timestamp,
    Blob,
}
