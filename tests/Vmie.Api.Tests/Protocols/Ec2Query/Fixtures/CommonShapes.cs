namespace Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

// Test-only CLR types shaped like the structures many EC2 requests and results share.

public sealed class Tag
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

public sealed class TagSpecification
{
    public string? ResourceType { get; set; }

    public List<Tag>? Tags { get; set; }
}

public sealed class Filter
{
    public string? Name { get; set; }

    public List<string>? Values { get; set; }
}

public sealed class UserBucket
{
    public string? S3Bucket { get; set; }

    public string? S3Key { get; set; }
}

public sealed class ClientData
{
    public string? Comment { get; set; }

    public DateTime? UploadEnd { get; set; }

    public double? UploadSize { get; set; }

    public DateTimeOffset? UploadStart { get; set; }
}
