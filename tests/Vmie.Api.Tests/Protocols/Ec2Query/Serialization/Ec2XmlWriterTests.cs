using System.Text;
using System.Xml.Linq;
using Vmie.Api.Protocols.Ec2Query.Mapping;
using Vmie.Api.Protocols.Ec2Query.Model;
using Vmie.Api.Protocols.Ec2Query.Serialization;
using Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Serialization;

public class Ec2XmlWriterTests
{
    private static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private static string Write<TResult>(string action, TResult result)
    {
        var output = new ShapeMappingBuilder(MappingDirection.Result).BuildStructure(Ec2WireModel.Embedded.Operations[action].Output!, typeof(TResult));
        using var stream = new MemoryStream();
        new Ec2XmlWriter(Ec2WireModel.Embedded.XmlNamespace).WriteResult(stream, action, "req-1", output, result);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static XElement Root(string xml) => XDocument.Parse(xml).Root!;

    // Path of local names below an element, e.g. "importImageTaskSet/item/bootMode".
    private static XElement At(XElement element, string path) =>
        path.Split('/').Aggregate(element, (current, name) => current.Element(Ns + name) ?? throw new Xunit.Sdk.XunitException($"No <{name}> under <{current.Name.LocalName}> in {element}"));

    [Fact]
    public void DescribeImportImageTasks_FieldNotesExample_HasTheModelsElementNames()
    {
        var xml = Write("DescribeImportImageTasks", new DescribeImportImageTasksResult
        {
            ImportImageTasks =
            [
                new ImportImageTask
                {
                    ImportTaskId = "import-ami-0123456789abcdef0",
                    Architecture = "x86_64",
                    Encrypted = false,
                    Progress = "62",
                    Status = "active",
                    StatusMessage = "booting",
                    BootMode = "uefi",
                    SnapshotDetails =
                    [
                        new SnapshotDetail
                        {
                            DeviceName = "/dev/sda1",
                            DiskImageSize = 3115815424,
                            Format = "VMDK",
                            Status = "completed",
                            UserBucket = new UserBucketDetails { S3Bucket = "my-bucket", S3Key = "vms/disk.vmdk" },
                        },
                    ],
                    Tags = [new ResultTag { Key = "team", Value = "infra" }],
                },
            ],
            NextToken = "next-1",
        });

        var root = Root(xml);
        Assert.Equal(Ns + "DescribeImportImageTasksResponse", root.Name);
        Assert.Equal("req-1", At(root, "requestId").Value);
        var task = At(root, "importImageTaskSet/item");
        Assert.Equal("import-ami-0123456789abcdef0", At(task, "importTaskId").Value);
        Assert.Equal("false", At(task, "encrypted").Value);
        Assert.Equal("uefi", At(task, "bootMode").Value);
        Assert.Equal("my-bucket", At(task, "snapshotDetailSet/item/userBucket/s3Bucket").Value);
        Assert.Equal("vms/disk.vmdk", At(task, "snapshotDetailSet/item/userBucket/s3Key").Value);
        Assert.Equal("3115815424.0", At(task, "snapshotDetailSet/item/diskImageSize").Value);
        Assert.Equal("team", At(task, "tagSet/item/key").Value);
        Assert.Equal("infra", At(task, "tagSet/item/value").Value);
        Assert.Equal("next-1", At(root, "nextToken").Value);

        // Null members are left out.
        Assert.Null(task.Element(Ns + "description"));
        Assert.Null(task.Element(Ns + "platform"));
    }

    [Fact]
    public void Elements_FollowTheModelsMemberOrder_NotTheClrDeclarationOrder()
    {
        var xml = Write("DescribeImportImageTasks", new DescribeImportImageTasksResult
        {
            ImportImageTasks = [new ImportImageTask { BootMode = "uefi", Tags = [], Status = "active", ImportTaskId = "import-ami-1", Architecture = "x86_64" }],
        });

        var names = At(Root(xml), "importImageTaskSet/item").Elements().Select(e => e.Name.LocalName);
        Assert.Equal(["architecture", "importTaskId", "status", "tagSet", "bootMode"], names);
    }

    [Fact]
    public void DescribeImportSnapshotTasks_NestsTheSnapshotTaskDetail()
    {
        var xml = Write("DescribeImportSnapshotTasks", new DescribeImportSnapshotTasksResult
        {
            ImportSnapshotTasks =
            [
                new ImportSnapshotTask
                {
                    ImportTaskId = "import-snap-02b716ec5eb50b53d",
                    SnapshotTaskDetail = new SnapshotTaskDetail
                    {
                        DiskImageSize = 0,
                        Format = "VMDK",
                        Progress = "3",
                        Status = "active",
                        StatusMessage = "pending",
                        UserBucket = new UserBucketDetails { S3Bucket = "b", S3Key = "k" },
                    },
                },
            ],
        });

        var detail = At(Root(xml), "importSnapshotTaskSet/item/snapshotTaskDetail");
        Assert.Equal("b", At(detail, "userBucket/s3Bucket").Value);
        Assert.Equal("0.0", At(detail, "diskImageSize").Value);
        Assert.Equal("3", At(detail, "progress").Value);
        Assert.Equal("pending", At(detail, "statusMessage").Value);
    }

    [Fact]
    public void EmptyLists_AreEmptyWrappers()
    {
        var root = Root(Write("DescribeImportImageTasks", new DescribeImportImageTasksResult { ImportImageTasks = [] }));

        var set = At(root, "importImageTaskSet");
        Assert.True(set.IsEmpty);
        Assert.Null(root.Element(Ns + "nextToken"));
    }

    [Fact]
    public void PositionalRecords_WriteTagDescriptions()
    {
        var root = Root(Write("DescribeTags", new DescribeTagsResult([new TagDescription("Name", "ami-1", "image", "web"), new TagDescription("empty", "snap-1", "snapshot", "")])));

        var items = At(root, "tagSet").Elements(Ns + "item").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["key", "resourceId", "resourceType", "value"], items[0].Elements().Select(e => e.Name.LocalName));
        Assert.Equal(("Name", "ami-1", "image", "web"), (At(items[0], "key").Value, At(items[0], "resourceId").Value, At(items[0], "resourceType").Value, At(items[0], "value").Value));
        Assert.Equal("", At(items[1], "value").Value);
    }

    [Fact]
    public void Scalars_AreWrittenAsEc2WritesThem()
    {
        var root = Root(Write("DescribeSnapshots", new DescribeSnapshotsResult
        {
            Snapshots =
            [
                new Snapshot
                {
                    SnapshotId = "snap-1",
                    State = "completed",
                    StartTime = new DateTime(2024, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc).AddTicks(9999),
                    CompletionTime = new DateTimeOffset(2024, 1, 2, 5, 0, 0, TimeSpan.FromHours(2)),
                    VolumeSize = 8,
                    FullSnapshotSizeInBytes = 8_589_934_592,
                    Encrypted = true,
                },
            ],
        }));

        var snapshot = At(root, "snapshotSet/item");
        Assert.Equal("completed", At(snapshot, "status").Value);
        Assert.Equal("2024-01-02T03:04:05.678Z", At(snapshot, "startTime").Value);
        Assert.Equal("2024-01-02T03:00:00.000Z", At(snapshot, "completionTime").Value);
        Assert.Equal("8", At(snapshot, "volumeSize").Value);
        Assert.Equal("8589934592", At(snapshot, "fullSnapshotSizeInBytes").Value);
        Assert.Equal("true", At(snapshot, "encrypted").Value);
    }

    [Theory]
    [InlineData(0d, "0.0")]
    [InlineData(0.5d, "0.5")]
    [InlineData(3115815424d, "3115815424.0")]
    [InlineData(-2d, "-2.0")]
    [InlineData(1e300, "1E+300")]
    public void Doubles_RoundTripWithADecimalPoint(double value, string expected)
    {
        var xml = Write("DescribeImportImageTasks", new DescribeImportImageTasksResult
        {
            ImportImageTasks = [new ImportImageTask { SnapshotDetails = [new SnapshotDetail { DiskImageSize = value }] }],
        });

        var text = At(Root(xml), "importImageTaskSet/item/snapshotDetailSet/item/diskImageSize").Value;
        Assert.Equal(expected, text);
        Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Response_StartsWithAwsDeclaration_AndUsesOneDefaultNamespace()
    {
        var xml = Write("CancelImportTask", new CancelImportTaskResult { ImportTaskId = "import-ami-1", PreviousState = "active", State = "deleting" });

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CancelImportTaskResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-1</requestId><importTaskId>", xml, StringComparison.Ordinal);
        Assert.Equal(1, xml.Split("xmlns").Length - 1);
        Assert.All(Root(xml).Descendants(), e => Assert.Equal(Ns, e.Name.Namespace));
    }

    [Fact]
    public void OperationWithoutOutput_AnswersReturnTrue()
    {
        using var stream = new MemoryStream();

        new Ec2XmlWriter(Ec2WireModel.Embedded.XmlNamespace).WriteResult(stream, "CancelConversionTask", "req-9", null, null);

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CancelConversionTaskResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>req-9</requestId><return>true</return></CancelConversionTaskResponse>",
            Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void ErrorEnvelope_IsEc2s()
    {
        using var stream = new MemoryStream();

        new Ec2XmlWriter(Ec2WireModel.Embedded.XmlNamespace).WriteError(stream, "InvalidParameterValue", "Value (<x>&) for parameter P is invalid.", "req-2");

        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>Value (&lt;x&gt;&amp;) for parameter P is invalid.</Message></Error></Errors><RequestID>req-2</RequestID></Response>",
            Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void CharactersXmlCannotCarry_AreReplaced_AndCarriageReturnsKept()
    {
        var xml = Write("CancelImportTask", new CancelImportTaskResult { ImportTaskId = "a\u0001b\uD800c\r\nd\U0001F600" });

        Assert.Equal("a\uFFFDb\uFFFDc\r\nd\U0001F600", At(Root(xml), "importTaskId").Value);
    }

    [Fact]
    public void NullResult_OrNullListEntry_IsABug()
    {
        Assert.Throws<InvalidOperationException>(() => Write<CancelImportTaskResult>("CancelImportTask", null!));
        Assert.Throws<InvalidOperationException>(() => Write("DescribeImportImageTasks", new DescribeImportImageTasksResult { ImportImageTasks = [null!] }));
    }
}
