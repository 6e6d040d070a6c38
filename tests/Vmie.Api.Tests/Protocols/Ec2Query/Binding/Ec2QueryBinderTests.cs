using System.Diagnostics;
using Vmie.Api.Protocols.Ec2Query.Binding;
using Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;
using static Vmie.Api.Tests.Protocols.Ec2Query.Binding.BinderHarness;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Binding;

public class Ec2QueryBinderTests
{
    [Fact]
    public void Lists_TakeAnyPositiveIndexesInNumericOrder()
    {
        var request = Bind<DescribeImportTasksRequest>(
            "DescribeImportImageTasks",
            "ImportTaskId.10=c  ImportTaskId.2=b  ImportTaskId.1=a  ImportTaskId.999999999=d");

        Assert.Equal(["a", "b", "c", "d"], request.ImportTaskIds!);
    }

    [Fact]
    public void Filters_AcceptBothSpellings()
    {
        var import = Bind<DescribeImportTasksRequest>("DescribeImportImageTasks", "Filter.1.Name=task-state  Filter.1.Value.1=active");
        var export = Bind<DescribeExportImageTasksRequest>("DescribeExportImageTasks", "Filters.1.Name=x  Filters.1.Value.1=y");

        Assert.Equal("task-state", Assert.Single(import.Filters!).Name);
        Assert.Equal("x", Assert.Single(export.Filters!).Name);
    }

    [Fact]
    public void Filters_InBothSpellingsAtOnce_AreRefused()
    {
        var error = Error<DescribeImportTasksRequest>("DescribeImportImageTasks", "Filters.1.Name=a  Filter.2.Name=b");

        Assert.Equal("InvalidParameterCombination", error.Code);
    }

    [Fact]
    public void EmptyValue_OfAList_IsAnEmptyList()
    {
        Assert.Empty(Bind<DescribeImportTasksRequest>("DescribeImportImageTasks", "ImportTaskId=").ImportTaskIds!);
    }

    [Theory]
    [InlineData("vmdk")]
    [InlineData("Vmdk")]
    [InlineData("VMDK")]
    public void EnumValues_AreAcceptedInAnyCase_AndPassedThroughAsSent(string format)
    {
        var request = Bind<ExportImageRequest>("ExportImage", $"ImageId=ami-1  DiskImageFormat={format}  S3ExportLocation.S3Bucket=b");

        Assert.Equal(format, request.DiskImageFormat);
    }

    [Fact]
    public void EnumValues_OutsideTheModel_AreInvalid()
    {
        var error = Error<ExportImageRequest>("ExportImage", "ImageId=ami-1  DiskImageFormat=qcow2  S3ExportLocation.S3Bucket=b");

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal("Value (qcow2) for parameter DiskImageFormat is invalid. Expected one of: VMDK, RAW, VHD.", error.Message);
    }

    [Fact]
    public void Timestamps_AndDoubles_Parse()
    {
        var request = Bind<ImportImageRequest>(
            "ImportImage",
            "ClientData.UploadStart=2024-01-02T03:04:05.123456Z  ClientData.UploadEnd=2024-01-02T05:00:00+02:00  ClientData.UploadSize=3115815424");

        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560), request.ClientData!.UploadStart);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 0, 0, DateTimeKind.Utc), request.ClientData.UploadEnd);
        Assert.Equal(DateTimeKind.Utc, request.ClientData.UploadEnd!.Value.Kind);
        Assert.Equal(3115815424d, request.ClientData.UploadSize);
    }

    [Fact]
    public void DryRun_IsReported_WhetherOrNotTheRequestTypeCarriesIt()
    {
        var withProperty = BindRaw<CancelImportTaskRequest>("CancelImportTask", Pairs("ImportTaskId=import-ami-1  DryRun=true"));
        var withoutProperty = BindRaw<DescribeImportTasksRequest>("DescribeImportImageTasks", Pairs("DryRun=TRUE"));
        var notAsked = BindRaw<DescribeImportTasksRequest>("DescribeImportImageTasks", Pairs("DryRun=false"));

        Assert.True(withProperty.DryRun);
        Assert.True(((CancelImportTaskRequest)withProperty.Request).DryRun);
        Assert.True(withoutProperty.DryRun);
        Assert.False(notAsked.DryRun);
    }

    [Fact]
    public void RepeatedParameter_WithTheSameValue_IsTolerated()
    {
        Assert.Equal("ami-1", Bind<CancelImportTaskRequest>("CancelImportTask", "ImportTaskId=ami-1  ImportTaskId=ami-1").ImportTaskId);
    }

    [Fact]
    public void RepeatedParameter_WithAnotherValue_IsInvalid()
    {
        var error = Error<CancelImportTaskRequest>("CancelImportTask", "ImportTaskId=a  ImportTaskId=b");

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains("ImportTaskId", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CreateTags", "Tag.1.Key=a", "ResourceId")]
    [InlineData("DeleteTags", "Tag.1.Key=a", "ResourceId")]
    [InlineData("ExportImage", "DiskImageFormat=VMDK  S3ExportLocation.S3Bucket=b", "ImageId")]
    [InlineData("ExportImage", "ImageId=ami-1  DiskImageFormat=VMDK  S3ExportLocation.S3Prefix=p/", "S3ExportLocation.S3Bucket")]
    public void MissingRequiredMember_IsMissingParameter(string action, string line, string missing)
    {
        var error = action switch
        {
            "ExportImage" => Error<ExportImageRequest>(action, line),
            _ => Error<TagsRequest>(action, line),
        };

        Assert.Equal("MissingParameter", error.Code);
        Assert.Equal($"The request must contain the parameter {missing}", error.Message);
        Assert.Equal(400, error.HttpStatus);
    }

    [Fact]
    public void MissingRequiredMember_InsideAListEntry_IsNamedWithItsIndex()
    {
        var error = Error<ImportInstanceRequest>("ImportInstance", "Platform=Windows  DiskImage.1.Image.Bytes=1  DiskImage.2.Image.Format=RAW  DiskImage.2.Image.Bytes=1");

        Assert.Equal("The request must contain the parameter DiskImage.1.Image.Format", error.Message);
    }

    [Theory]
    [InlineData("Bogus=1", "Bogus")]
    [InlineData("imageId=ami-1", "imageId")]
    [InlineData("ImageId.1=ami-1", "ImageId.1")]
    [InlineData("S3ExportLocation.S3Bucket.Extra=x", "S3ExportLocation.S3Bucket.Extra")]
    [InlineData("S3ExportLocation.Region=x", "S3ExportLocation.Region")]
    [InlineData("S3ExportLocation..S3Bucket=x", "S3ExportLocation..S3Bucket")]
    public void UnknownParameter_IsNamedAsSent(string extra, string named)
    {
        var error = Error<ExportImageRequest>("ExportImage", $"ImageId=ami-2  DiskImageFormat=VMDK  S3ExportLocation.S3Bucket=b  {extra}");

        Assert.Equal("UnknownParameter", error.Code);
        Assert.Equal($"The parameter {named} is not recognized", error.Message);
    }

    [Fact]
    public void ModelMember_TheRequestTypeDoesNotCarry_IsRefusedAsUnsupported()
    {
        var error = Error<ImportImageRequest>("ImportImage", "LicenseSpecifications.1.LicenseConfigurationArn=arn:x");

        Assert.Equal("InvalidParameter", error.Code);
        Assert.Contains("LicenseSpecifications.1.LicenseConfigurationArn", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxResults=abc", "Value (abc) for parameter MaxResults is invalid. Expected an integer.")]
    [InlineData("MaxResults=99999999999", "Value (99999999999) for parameter MaxResults is invalid. Expected an integer.")]
    [InlineData("MaxResults=1.5", "Value (1.5) for parameter MaxResults is invalid. Expected an integer.")]
    [InlineData("DryRun=yes", "Value (yes) for parameter DryRun is invalid. Expected true or false.")]
    public void MalformedScalars_AreInvalidParameterValue(string line, string message)
    {
        var error = Error<DescribeImportTasksRequest>("DescribeImportImageTasks", line);

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("MaxResults=0")]
    [InlineData("MaxResults=501")]
    public void NumbersOutsideTheModelsRange_AreInvalid(string line)
    {
        var error = Error<DescribeExportImageTasksRequest>("DescribeExportImageTasks", line);

        Assert.EndsWith("Expected an integer from 1 to 500.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DiskImage.1.Image.Bytes=12x")]
    [InlineData("DiskImage.1.Volume.Size=-")]
    [InlineData("LaunchSpecification.Monitoring=1")]
    [InlineData("LaunchSpecification.Placement.PartitionNumber=2147483648")]
    public void MalformedNestedScalars_AreInvalidParameterValue(string line)
    {
        var error = Error<ImportInstanceRequest>("ImportInstance", "Platform=Windows  " + line);

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains($"for parameter {line[..line.IndexOf('=', StringComparison.Ordinal)]} is invalid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ClientData.UploadSize=NaN")]
    [InlineData("ClientData.UploadSize=Infinity")]
    [InlineData("ClientData.UploadStart=yesterday")]
    [InlineData("ClientData.UploadStart=1/2/2024")]
    [InlineData("Encrypted=")]
    public void MalformedDoublesTimestampsAndBooleans_AreInvalid(string line)
    {
        Assert.Equal("InvalidParameterValue", Error<ImportImageRequest>("ImportImage", line).Code);
    }

    [Theory]
    [InlineData("ImportTaskId.0=a")]
    [InlineData("ImportTaskId.-1=a")]
    [InlineData("ImportTaskId.x=a")]
    [InlineData("ImportTaskId.+1=a")]
    [InlineData("ImportTaskId.1e3=a")]
    [InlineData("ImportTaskId.9999999999=a")]
    public void ListIndexes_ThatAreNotPositiveIntegers_AreInvalid(string line)
    {
        var error = Error<DescribeImportTasksRequest>("DescribeImportImageTasks", line);

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains("list index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListIndexes_WrittenTwoWays_Conflict()
    {
        Assert.Equal("InvalidParameterCombination", Error<DescribeImportTasksRequest>("DescribeImportImageTasks", "ImportTaskId.1=a  ImportTaskId.01=b").Code);
    }

    [Fact]
    public void PlainValue_ForAList_IsInvalid()
    {
        var error = Error<DescribeImportTasksRequest>("DescribeImportImageTasks", "ImportTaskId=import-ami-1");

        Assert.Equal("Value (import-ami-1) for parameter ImportTaskId is invalid. ImportTaskId is a list; send its entries as ImportTaskId.1, ImportTaskId.2 ...", error.Message);
    }

    [Fact]
    public void PlainValue_ForAStructure_IsInvalid()
    {
        Assert.Equal("InvalidParameterValue", Error<ImportSnapshotRequest>("ImportSnapshot", "DiskContainer=disk.vmdk").Code);
    }

    [Fact]
    public void HostileListSize_FailsFast()
    {
        var parameters = Enumerable.Range(1, 100_000).Select(i => KeyValuePair.Create($"ImportTaskId.{i}", "import-ami-1")).ToList();
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<Vmie.Ec2.Errors.Ec2Exception>(() => BindRaw<DescribeImportTasksRequest>("DescribeImportImageTasks", parameters));

        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal("The request has more than 2000 parameters.", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ListEntries_BeyondTheLimit_AreRefused()
    {
        var limits = new Ec2QueryLimits(MaxParameters: 10_000, MaxListEntries: 1000);
        var parameters = Enumerable.Range(1, 1001).Select(i => KeyValuePair.Create($"ImportTaskId.{i}", "x")).ToList();

        var error = Assert.Throws<Vmie.Ec2.Errors.Ec2Exception>(() => BindRaw<DescribeImportTasksRequest>("DescribeImportImageTasks", parameters, limits));

        Assert.Equal("The parameter ImportTaskId has more than 1000 entries.", error.Message);
        Assert.Equal(1000, ((DescribeImportTasksRequest)BindRaw<DescribeImportTasksRequest>("DescribeImportImageTasks", parameters[..1000], limits).Request).ImportTaskIds!.Count);
    }

    [Fact]
    public void OverlongParameterName_IsUnknown()
    {
        var error = Error<DescribeImportTasksRequest>("DescribeImportImageTasks", new string('A', 300) + "=1");

        Assert.Equal("UnknownParameter", error.Code);
        Assert.True(error.Message.Length < 260, error.Message);
    }
}
