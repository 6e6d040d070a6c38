using System.Text;
using Vmie.Api.Protocols.Ec2Query.Model;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Model;

public class Ec2WireModelTests
{
    private static readonly Ec2WireModel Model = Ec2WireModel.Embedded;

    [Fact]
    public void Embedded_HasTheVersionAndNamespaceAwsAnswersWith()
    {
        Assert.Equal("2016-11-15", Model.ApiVersion);
        Assert.Equal("http://ec2.amazonaws.com/doc/2016-11-15/", Model.XmlNamespace);
    }

    [Theory]
    [InlineData("CreateTags", "CreateTagsRequest", null)]
    [InlineData("DeleteTags", "DeleteTagsRequest", null)]
    [InlineData("DescribeTags", "DescribeTagsRequest", "DescribeTagsResult")]
    [InlineData("DescribeSnapshots", "DescribeSnapshotsRequest", "DescribeSnapshotsResult")]
    [InlineData("DeleteSnapshot", "DeleteSnapshotRequest", null)]
    [InlineData("CancelConversionTask", "CancelConversionRequest", null)]
    [InlineData("ImportImage", "ImportImageRequest", "ImportImageResult")]
    public void Operations_HaveTheirShapes(string action, string input, string? output)
    {
        var operation = Model.Operations[action];

        Assert.Equal(input, operation.Input!.Name);
        Assert.Equal(output, operation.Output?.Name);
    }

    [Fact]
    public void DeleteTags_IsShapedAsEc2Declares()
    {
        var request = Model.Operations["DeleteTags"].Input!;

        Assert.Equal(["DryRun", "Resources", "Tags"], request.Members.Select(m => m.Name));
        Assert.Equal(["DryRun", "ResourceId", "Tag"], request.Members.Select(m => m.RequestKey));
        Assert.Equal([false, true, false], request.Members.Select(m => m.Required));
        Assert.Equal("TagList", request.FindMember("Tags")!.Shape.Name);
    }

    [Fact]
    public void RequestKeys_FollowTheEc2Rule()
    {
        var export = Model.Shapes["CreateInstanceExportTaskRequest"].FindMember("ExportToS3Task")!;
        var filters = Model.Shapes["DescribeImportImageTasksRequest"].FindMember("Filters")!;
        var values = Model.Shapes["Filter"].FindMember("Values")!;

        Assert.Equal(("exportToS3", "ExportToS3", "exportToS3"), (export.LocationName, export.RequestKey, export.ElementName));
        Assert.Equal(("Filters", "Filters"), (filters.RequestKey, filters.ElementName));
        Assert.Equal("Value", values.RequestKey);
    }

    [Fact]
    public void ListAliases_CoverFilterAndFilters_ButNothingAmbiguous()
    {
        var import = Model.Shapes["DescribeImportImageTasksRequest"];
        var export = Model.Shapes["DescribeExportImageTasksRequest"];

        Assert.Same(import.FindMember("Filters"), import.FindMemberByRequestKey("Filter"));
        Assert.Same(export.FindMember("Filters"), export.FindMemberByRequestKey("Filters"));
        Assert.Null(import.FindMemberByRequestKey("item"));
        Assert.Null(import.FindMemberByRequestKey("filters"));
    }

    [Fact]
    public void Shapes_CarryTypesEnumsRangesAndListEntryNames()
    {
        Assert.Equal(["VMDK", "RAW", "VHD"], Model.Shapes["DiskImageFormat"].EnumValues!);
        Assert.Null(Model.Shapes["InstanceType"].EnumValues);
        Assert.Equal((1L, 500L), (Model.Shapes["DescribeExportImageTasksMaxResults"].Minimum, Model.Shapes["DescribeExportImageTasksMaxResults"].Maximum));
        Assert.Equal("item", Model.Shapes["TagList"].ListEntryName);
        Assert.Equal("SecurityGroup", Model.Shapes["SecurityGroupStringList"].ListEntryName);
        Assert.Equal("item", Model.Shapes["ResourceIdList"].ListEntryName);
        Assert.Equal(WireShapeType.Timestamp, Model.Shapes["DateTime"].Type);
        Assert.True(Model.Shapes["DiskImageDetail"].Members.All(m => m.Required));
    }

    [Theory]
    [InlineData("""{"apiVersion":"v","xmlNamespace":"n","operations":{"A":{"input":"Missing"}},"shapes":{}}""", "undefined shape Missing")]
    [InlineData("""{"apiVersion":"v","xmlNamespace":"n","operations":{},"shapes":{"S":{"type":"float"}}}""", "unknown type 'float'")]
    [InlineData("""{"apiVersion":"v","xmlNamespace":"n","operations":{},"shapes":{"S":{"type":"string","flattened":true}}}""", "unknown property 'flattened'")]
    [InlineData("""{"apiVersion":"v","operations":{},"shapes":{}}""", "lacks 'xmlNamespace'")]
    public void Parse_RefusesMalformedModels(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Ec2WireModel.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
