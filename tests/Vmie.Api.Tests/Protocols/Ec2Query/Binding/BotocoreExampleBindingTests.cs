using Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;
using static Vmie.Api.Tests.Protocols.Ec2Query.Binding.BinderHarness;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Binding;

/// <summary>Every line of field-notes §7 "Output of the botocore serializer" binds to the request it describes.</summary>
public class BotocoreExampleBindingTests
{
    [Fact]
    public void ImportImage()
    {
        var request = Bind<ImportImageRequest>("ImportImage", """
            DiskContainer.1.Format=vmdk  DiskContainer.1.UserBucket.S3Bucket=b  DiskContainer.1.UserBucket.S3Key=k.vmdk
            DiskContainer.1.DeviceName=/dev/sda  BootMode=uefi  LicenseType=BYOL  RoleName=vmimport  ClientData.Comment=c
            TagSpecification.1.ResourceType=import-image-task  TagSpecification.1.Tag.1.Key=a  TagSpecification.1.Tag.1.Value=b
            """);

        var disk = Assert.Single(request.DiskContainers!);
        Assert.Equal("vmdk", disk.Format);
        Assert.Equal("b", disk.UserBucket!.S3Bucket);
        Assert.Equal("k.vmdk", disk.UserBucket.S3Key);
        Assert.Equal("/dev/sda", disk.DeviceName);
        Assert.Equal("uefi", request.BootMode);
        Assert.Equal("BYOL", request.LicenseType);
        Assert.Equal("vmimport", request.RoleName);
        Assert.Equal("c", request.ClientData!.Comment);
        var specification = Assert.Single(request.TagSpecifications!);
        Assert.Equal("import-image-task", specification.ResourceType);
        var tag = Assert.Single(specification.Tags!);
        Assert.Equal(("a", "b"), (tag.Key, tag.Value));
        Assert.Null(request.DryRun);
        Assert.Null(request.Description);
    }

    [Fact]
    public void ImportSnapshot()
    {
        var request = Bind<ImportSnapshotRequest>(
            "ImportSnapshot",
            "DiskContainer.Format=VHD  DiskContainer.UserBucket.S3Bucket=b  DiskContainer.UserBucket.S3Key=k  Encrypted=true  KmsKeyId=x");

        Assert.Equal("VHD", request.DiskContainer!.Format);
        Assert.Equal("b", request.DiskContainer.UserBucket!.S3Bucket);
        Assert.Equal("k", request.DiskContainer.UserBucket.S3Key);
        Assert.True(request.Encrypted);
        Assert.Equal("x", request.KmsKeyId);
    }

    [Fact]
    public void DescribeImportImageTasks()
    {
        var request = Bind<DescribeImportTasksRequest>(
            "DescribeImportImageTasks",
            "ImportTaskId.1=import-ami-1  ImportTaskId.2=import-ami-2  Filters.1.Name=task-state  Filters.1.Value.1=active  MaxResults=10");

        Assert.Equal(["import-ami-1", "import-ami-2"], request.ImportTaskIds!);
        var filter = Assert.Single(request.Filters!);
        Assert.Equal("task-state", filter.Name);
        Assert.Equal(["active"], filter.Values!);
        Assert.Equal(10, request.MaxResults);
    }

    [Fact]
    public void DescribeImportSnapshotTasks()
    {
        var request = Bind<DescribeImportTasksRequest>(
            "DescribeImportSnapshotTasks",
            "ImportTaskId.1=import-snap-1  Filters.1.Name=task-state  Filters.1.Value.1=completed");

        Assert.Equal(["import-snap-1"], request.ImportTaskIds!);
        Assert.Equal(["completed"], Assert.Single(request.Filters!).Values!);
    }

    [Fact]
    public void CancelImportTask()
    {
        var request = Bind<CancelImportTaskRequest>("CancelImportTask", "ImportTaskId=import-ami-1  CancelReason=changed-mind");

        Assert.Equal("import-ami-1", request.ImportTaskId);
        Assert.Equal("changed-mind", request.CancelReason);
    }

    [Fact]
    public void ExportImage()
    {
        var request = Bind<ExportImageRequest>(
            "ExportImage",
            "ImageId=ami-1  DiskImageFormat=VMDK  S3ExportLocation.S3Bucket=b  S3ExportLocation.S3Prefix=p/  RoleName=vmimport");

        Assert.Equal("ami-1", request.ImageId);
        Assert.Equal("VMDK", request.DiskImageFormat);
        Assert.Equal(("b", "p/"), (request.S3ExportLocation!.S3Bucket, request.S3ExportLocation.S3Prefix));
        Assert.Equal("vmimport", request.RoleName);
    }

    [Fact]
    public void DescribeExportImageTasks()
    {
        var request = Bind<DescribeExportImageTasksRequest>(
            "DescribeExportImageTasks",
            "ExportImageTaskId.1=export-ami-1  Filter.1.Name=x  Filter.1.Value.1=y");

        Assert.Equal(["export-ami-1"], request.ExportImageTaskIds!);
        var filter = Assert.Single(request.Filters!);
        Assert.Equal(("x", "y"), (filter.Name, Assert.Single(filter.Values!)));
    }

    [Fact]
    public void CreateInstanceExportTask()
    {
        var request = Bind<CreateInstanceExportTaskRequest>("CreateInstanceExportTask", """
            InstanceId=i-1  TargetEnvironment=vmware  ExportToS3.DiskImageFormat=VMDK  ExportToS3.ContainerFormat=ova
            ExportToS3.S3Bucket=b  ExportToS3.S3Prefix=p/  Description=d
            """);

        Assert.Equal("i-1", request.InstanceId);
        Assert.Equal("vmware", request.TargetEnvironment);
        Assert.Equal("VMDK", request.ExportToS3Task!.DiskImageFormat);
        Assert.Equal("ova", request.ExportToS3Task.ContainerFormat);
        Assert.Equal(("b", "p/"), (request.ExportToS3Task.S3Bucket, request.ExportToS3Task.S3Prefix));
        Assert.Equal("d", request.Description);
    }

    [Fact]
    public void DescribeExportTasks()
    {
        var request = Bind<DescribeExportTasksRequest>("DescribeExportTasks", "ExportTaskId.1=export-i-1  Filter.1.Name=n  Filter.1.Value.1=v");

        Assert.Equal(["export-i-1"], request.ExportTaskIds!);
        Assert.Equal("n", Assert.Single(request.Filters!).Name);
    }

    [Fact]
    public void CancelExportTask()
    {
        Assert.Equal("export-i-1", Bind<CancelExportTaskRequest>("CancelExportTask", "ExportTaskId=export-i-1").ExportTaskId);
    }

    [Fact]
    public void ImportInstance()
    {
        var request = Bind<ImportInstanceRequest>("ImportInstance", """
            Platform=Windows  Description=d  LaunchSpecification.Architecture=x86_64  LaunchSpecification.InstanceType=m5.large
            LaunchSpecification.GroupName.1=g  LaunchSpecification.Placement.AvailabilityZone=us-east-1a
            DiskImage.1.Image.Format=VMDK  DiskImage.1.Image.Bytes=123  DiskImage.1.Image.ImportManifestUrl=https://b.s3/m.xml?X-Amz-Signature=s
            DiskImage.1.Volume.Size=8  DiskImage.1.Description=x
            """);

        Assert.Equal("Windows", request.Platform);
        Assert.Equal("d", request.Description);
        Assert.Equal("x86_64", request.LaunchSpecification!.Architecture);
        Assert.Equal("m5.large", request.LaunchSpecification.InstanceType);
        Assert.Equal(["g"], request.LaunchSpecification.GroupNames!);
        Assert.Equal("us-east-1a", request.LaunchSpecification.Placement!.AvailabilityZone);
        var disk = Assert.Single(request.DiskImages!);
        Assert.Equal("VMDK", disk.Image!.Format);
        Assert.Equal(123L, disk.Image.Bytes);
        Assert.Equal("https://b.s3/m.xml?X-Amz-Signature=s", disk.Image.ImportManifestUrl);
        Assert.Equal(8L, disk.Volume!.Size);
        Assert.Equal("x", disk.Description);
    }

    [Fact]
    public void ImportVolume()
    {
        var request = Bind<ImportVolumeRequest>(
            "ImportVolume",
            "AvailabilityZone=us-east-1a  Image.Format=RAW  Image.Bytes=1  Image.ImportManifestUrl=https://m  Volume.Size=8");

        Assert.Equal("us-east-1a", request.AvailabilityZone);
        Assert.Equal(("RAW", 1L, "https://m"), (request.Image!.Format, request.Image.Bytes!.Value, request.Image.ImportManifestUrl));
        Assert.Equal(8L, request.Volume!.Size);
    }

    [Fact]
    public void DescribeConversionTasks()
    {
        Assert.Equal(
            ["import-i-1", "import-vol-2"],
            Bind<DescribeConversionTasksRequest>("DescribeConversionTasks", "ConversionTaskId.1=import-i-1  ConversionTaskId.2=import-vol-2").ConversionTaskIds!);
    }

    [Fact]
    public void CancelConversionTask()
    {
        var request = Bind<CancelConversionRequest>("CancelConversionTask", "ConversionTaskId=import-i-1  ReasonMessage=because");

        Assert.Equal(("import-i-1", "because"), (request.ConversionTaskId, request.ReasonMessage));
    }

    [Fact]
    public void CreateTags()
    {
        var request = Bind<TagsRequest>("CreateTags", "ResourceId.1=ami-1  ResourceId.2=snap-2  Tag.1.Key=a  Tag.1.Value=b  Tag.2.Key=c  Tag.2.Value=");

        Assert.Equal(["ami-1", "snap-2"], request.Resources!);
        Assert.Equal([("a", "b"), ("c", "")], request.Tags!.Select(t => (t.Key, t.Value)));
    }

    [Fact]
    public void DeleteTags()
    {
        var request = Bind<TagsRequest>("DeleteTags", "ResourceId.1=ami-1  Tag.1.Key=a  DryRun=false");

        Assert.Equal(["ami-1"], request.Resources!);
        Assert.Equal("a", Assert.Single(request.Tags!).Key);
        Assert.Null(Assert.Single(request.Tags!).Value);
        Assert.False(request.DryRun);
    }
}
