using Vmie.Api.Protocols.Ec2Query.Dispatch;
using Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Mapping;

public class RegistrationValidationTests
{
    private static Task<T> Answer<T>(T value) => Task.FromResult(value);

    public sealed class MistypedImportImageRequest
    {
        public List<ImageDiskContainer>? DiskContainer { get; set; }
    }

    public sealed class WrongTypeDescribeRequest
    {
        public string? MaxResults { get; set; }
    }

    public sealed class NestedMistakeRequest
    {
        public List<NestedMistakeContainer>? DiskContainers { get; set; }
    }

    public sealed class NestedMistakeContainer
    {
        public string? S3Bucket { get; set; }
    }

    public sealed class GetOnlyRequest
    {
        public string? ImportTaskId => null;
    }

    public sealed class NoDefaultConstructorRequest(string importTaskId)
    {
        public string? ImportTaskId { get; set; } = importTaskId;
    }

    public sealed class WrongListRequest
    {
        public string[]? ImportTaskIds { get; set; }
    }

    public sealed class NotNullableCountRequest
    {
        public long? MaxResults { get; set; }
    }

    public sealed class MistypedResult
    {
        public string? ImportTaskID { get; init; }
    }

    private static InvalidOperationException Fails(Action<Ec2OperationRegistry> register) =>
        Assert.Throws<InvalidOperationException>(() => register(new Ec2OperationRegistry()));

    [Fact]
    public void MistypedPropertyName_FailsAtRegistration_NamingTypePropertyAndShape()
    {
        var error = Fails(r => r.Register<MistypedImportImageRequest, ImportImageResult>(
            "ImportImage", (_, _, _) => Answer(new ImportImageResult())));

        Assert.Contains("MistypedImportImageRequest.DiskContainer", error.Message, StringComparison.Ordinal);
        Assert.Contains("ImportImageRequest has no member DiskContainer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MistypedResultPropertyName_FailsAtRegistration()
    {
        var error = Fails(r => r.Register<CancelImportTaskRequest, MistypedResult>("CancelImportTask", (_, _, _) => Answer(new MistypedResult())));

        Assert.Contains("CancelImportTaskResult has no member ImportTaskID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongPropertyType_FailsAtRegistration()
    {
        var error = Fails(r => r.Register<WrongTypeDescribeRequest, DescribeImportImageTasksResult>(
            "DescribeImportImageTasks", (_, _, _) => Answer(new DescribeImportImageTasksResult())));

        Assert.Contains("WrongTypeDescribeRequest.MaxResults", error.Message, StringComparison.Ordinal);
        Assert.Contains("int or int?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedMistake_IsReportedWithItsPath()
    {
        var error = Fails(r => r.Register<NestedMistakeRequest, ImportImageResult>(
            "ImportImage", (_, _, _) => Answer(new ImportImageResult())));

        Assert.Contains("NestedMistakeRequest.DiskContainers[].S3Bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArraysAreNotLists_AndIntegersAreNotLongs()
    {
        Fails(r => r.Register<WrongListRequest, DescribeImportImageTasksResult>("DescribeImportImageTasks", (_, _, _) => Answer(new DescribeImportImageTasksResult())));
        Fails(r => r.Register<NotNullableCountRequest, DescribeImportImageTasksResult>("DescribeImportImageTasks", (_, _, _) => Answer(new DescribeImportImageTasksResult())));
    }

    [Fact]
    public void RequestTypes_NeedSettersAndAParameterlessConstructor()
    {
        Assert.Contains("public setter", Fails(r => r.Register<GetOnlyRequest, CancelImportTaskResult>("CancelImportTask", (_, _, _) => Answer(new CancelImportTaskResult()))).Message, StringComparison.Ordinal);
        Assert.Contains("parameterless constructor", Fails(r => r.Register<NoDefaultConstructorRequest, CancelImportTaskResult>("CancelImportTask", (_, _, _) => Answer(new CancelImportTaskResult()))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActionsMustExist_AndBeRegisteredWithTheRightVariant_Once()
    {
        Assert.Contains("not in the wire model", Fails(r => r.Register<TagsRequest>("RunInstances", (_, _, _) => Task.CompletedTask)).Message, StringComparison.Ordinal);
        Assert.Contains("register it with a result type", Fails(r => r.Register<CancelImportTaskRequest>("CancelImportTask", (_, _, _) => Task.CompletedTask)).Message, StringComparison.Ordinal);
        Assert.Contains("no output shape", Fails(r => r.Register<TagsRequest, CancelImportTaskResult>("CreateTags", (_, _, _) => Answer(new CancelImportTaskResult()))).Message, StringComparison.Ordinal);
        Assert.Contains("already registered", Fails(r => r
            .Register<TagsRequest>("CreateTags", (_, _, _) => Task.CompletedTask)
            .Register<TagsRequest>("CreateTags", (_, _, _) => Task.CompletedTask)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RealisticTypes_Register()
    {
        var registry = new Ec2OperationRegistry()
            .Register<ImportImageRequest, ImportImageResult>("ImportImage", (_, _, _) => Answer(new ImportImageResult()))
            .Register<DescribeImportTasksRequest, DescribeImportImageTasksResult>("DescribeImportImageTasks", (_, _, _) => Answer(new DescribeImportImageTasksResult()))
            .Register<ImportSnapshotRequest, ImportSnapshotResult>("ImportSnapshot", (_, _, _) => Answer(new ImportSnapshotResult()))
            .Register<DescribeTagsRequest, DescribeTagsResult>("DescribeTags", (_, _, _) => Answer(new DescribeTagsResult([])))
            .Register<TagsRequest>("CreateTags", (_, _, _) => Task.CompletedTask)
            .Register<TagsRequest>("DeleteTags", (_, _, _) => Task.CompletedTask)
            .Register<CancelConversionRequest>("CancelConversionTask", (_, _, _) => Task.CompletedTask);

        Assert.Equal(7, registry.Actions.Count);
    }

    [Fact]
    public void FailedRegistration_LeavesNoHalfBuiltMappingBehind()
    {
        var registry = new Ec2OperationRegistry();
        Assert.Throws<InvalidOperationException>(() => registry.Register<NestedMistakeRequest, ImportImageResult>("ImportImage", (_, _, _) => Answer(new ImportImageResult())));

        // The nested type failed half-way; a second attempt must fail again, not find an empty mapping.
        Assert.Throws<InvalidOperationException>(() => registry.Register<NestedMistakeRequest, ImportImageResult>("ImportImage", (_, _, _) => Answer(new ImportImageResult())));
        registry.Register<ImportImageRequest, ImportImageResult>("ImportImage", (_, _, _) => Answer(new ImportImageResult()));

        Assert.True(registry.TryGetOperation("ImportImage", out var operation));
        Assert.Equal(
            ["Architecture", "ClientData", "ClientToken", "Description", "DiskContainers", "DryRun", "Encrypted", "Hypervisor", "KmsKeyId", "LicenseType", "Platform", "RoleName", "TagSpecifications", "UsageOperation", "BootMode"],
            operation.Input.Members.Select(m => m.Member.Name));
    }

    [Fact]
    public async Task RegistryHandlers_ReceiveTheTypedRequest()
    {
        CancelImportTaskRequest? seen = null;
        var registry = new Ec2OperationRegistry().Register<CancelImportTaskRequest, CancelImportTaskResult>("CancelImportTask", (request, context, _) =>
        {
            seen = request;
            return Answer(new CancelImportTaskResult { ImportTaskId = request.ImportTaskId, State = context.Region });
        });
        Assert.True(registry.TryGetOperation("CancelImportTask", out var operation));

        var result = await operation.InvokeAsync(new CancelImportTaskRequest { ImportTaskId = "import-ami-1" }, new Ec2RequestContext("1", "r", "k", "id"), default);

        Assert.Equal("import-ami-1", seen!.ImportTaskId);
        Assert.Equal("r", ((CancelImportTaskResult)result!).State);
    }
}
