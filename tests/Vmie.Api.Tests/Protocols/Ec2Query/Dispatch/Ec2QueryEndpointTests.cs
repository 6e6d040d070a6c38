using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vmie.Api.Protocols.Ec2Query.Dispatch;
using Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Tests.Protocols.Ec2Query.Dispatch;

/// <summary>The endpoint behind a real Kestrel on 127.0.0.1, driven with form posts as the AWS CLI sends them.</summary>
public sealed class Ec2QueryEndpointTests : IAsyncLifetime
{
    private const string RequestId = "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE";
    private const string SecretToken = "secret-next-token-5f3a";

    private static readonly XNamespace Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static readonly Ec2RequestContext FixedContext = new("123456789012", "us-east-1", "AKIDEXAMPLE", RequestId);

    private readonly CapturedLogs _logs = new();
    private readonly List<CancelConversionRequest> _cancelled = [];
    private readonly TaskCompletionSource _handlerCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _handlerWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private HttpClient? _client;

    private HttpClient Client => _client!;

    public async Task InitializeAsync()
    {
        var registry = new Ec2OperationRegistry()
            .Register<DescribeImportTasksRequest, DescribeImportImageTasksResult>("DescribeImportImageTasks", DescribeAsync)
            .Register<CancelConversionRequest>("CancelConversionTask", (request, _, _) =>
            {
                lock (_cancelled)
                {
                    _cancelled.Add(request);
                }

                return Task.CompletedTask;
            });

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(_logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(registry).AddSingleton<Ec2QueryEndpoint>();
        _app = builder.Build();

        // Stands in for the request gateway: decode query string and form, then hand over.
        _app.Map("/", async (HttpContext context, Ec2QueryEndpoint endpoint) =>
        {
            var parameters = context.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
            if (context.Request.HasFormContentType)
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                parameters.AddRange(form.SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? ""))));
            }

            await endpoint.HandleAsync(context, FixedContext, parameters);
        });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<DescribeImportImageTasksResult> DescribeAsync(DescribeImportTasksRequest request, Ec2RequestContext context, CancellationToken cancellationToken)
    {
        switch (request.ImportTaskIds is [var first, ..] ? first : null)
        {
            case "import-ami-explode":
                throw new InvalidOperationException("the disk reader broke");
            case "import-ami-missing":
                throw new Ec2Exception("InvalidConversionTaskId.Malformed", "The import task ID is malformed.");
            case "import-ami-slow":
                _handlerWaiting.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    _handlerCancelled.SetResult();
                    throw;
                }

                break;
        }

        var filter = request.Filters?.SingleOrDefault();
        return new DescribeImportImageTasksResult
        {
            ImportImageTasks =
            [
                .. (request.ImportTaskIds ?? []).Select(id => new ImportImageTask
                {
                    ImportTaskId = id,
                    Status = filter?.Values?.Single() ?? "active",
                    StatusMessage = context.AccountId,
                }),
            ],
        };
    }

    private Task<HttpResponseMessage> PostAsync(params (string Key, string Value)[] form) =>
        Client.PostAsync("/", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));

    private static async Task<XElement> XmlAsync(HttpResponseMessage response) =>
        XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

    private static async Task<(HttpStatusCode Status, string Code, string Message, string RequestId)> ErrorAsync(HttpResponseMessage response)
    {
        var root = await XmlAsync(response);
        Assert.Equal("Response", root.Name.LocalName);
        var error = root.Element("Errors")!.Element("Error")!;
        return (response.StatusCode, error.Element("Code")!.Value, error.Element("Message")!.Value, root.Element("RequestID")!.Value);
    }

    [Fact]
    public async Task HappyPath_BindsCallsAndAnswersXml()
    {
        using var response = await PostAsync(
            ("Action", "DescribeImportImageTasks"),
            ("Version", "2016-11-15"),
            ("ImportTaskId.2", "import-ami-2"),
            ("ImportTaskId.1", "import-ami-1"),
            ("Filters.1.Name", "task-state"),
            ("Filters.1.Value.1", "completed"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        var root = await XmlAsync(response);
        Assert.Equal(Ns + "DescribeImportImageTasksResponse", root.Name);
        Assert.Equal(RequestId, root.Element(Ns + "requestId")!.Value);
        var items = root.Element(Ns + "importImageTaskSet")!.Elements(Ns + "item").ToList();
        Assert.Equal(["import-ami-1", "import-ami-2"], items.Select(i => i.Element(Ns + "importTaskId")!.Value));
        Assert.Equal(["completed", "completed"], items.Select(i => i.Element(Ns + "status")!.Value));
        Assert.Equal("123456789012", items[0].Element(Ns + "statusMessage")!.Value);
    }

    [Fact]
    public async Task QueryStringRequests_WithSignatureParameters_Work()
    {
        using var response = await Client.GetAsync(
            "/?Action=DescribeImportImageTasks&ImportTaskId.1=import-ami-9&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a&X-Amz-Signature=b&AWSAccessKeyId=c&SignatureVersion=2&Timestamp=t");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("import-ami-9", (await XmlAsync(response)).Descendants(Ns + "importTaskId").Single().Value);
    }

    [Fact]
    public async Task OperationWithoutOutput_AnswersReturnTrue()
    {
        using var response = await PostAsync(("Action", "CancelConversionTask"), ("Version", "2016-11-15"), ("ConversionTaskId", "import-i-1"), ("ReasonMessage", "no longer needed"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = await XmlAsync(response);
        Assert.Equal(Ns + "CancelConversionTaskResponse", root.Name);
        Assert.Equal("true", root.Element(Ns + "return")!.Value);
        var request = Assert.Single(_cancelled);
        Assert.Equal(("import-i-1", "no longer needed"), (request.ConversionTaskId, request.ReasonMessage));
    }

    [Theory]
    [InlineData("RunInstances")]
    [InlineData("DescribeSnapshots")]
    public async Task UnknownOrUnregisteredAction_IsInvalidAction(string action)
    {
        using var response = await PostAsync(("Action", action), ("Version", "2016-11-15"));

        Assert.Equal(
            (HttpStatusCode.BadRequest, "InvalidAction", $"The action {action} is not valid for this web service.", RequestId),
            await ErrorAsync(response));
    }

    [Fact]
    public async Task NoAction_IsMissingAction()
    {
        using var response = await PostAsync(("Version", "2016-11-15"), ("ImportTaskId.1", "x"));

        Assert.Equal((HttpStatusCode.BadRequest, "MissingAction", "The request must contain the parameter Action", RequestId), await ErrorAsync(response));
    }

    [Fact]
    public async Task MissingRequiredMember_IsMissingParameter_AndTheHandlerIsNotCalled()
    {
        using var response = await PostAsync(("Action", "CancelConversionTask"), ("Version", "2016-11-15"));

        Assert.Equal((HttpStatusCode.BadRequest, "MissingParameter", "The request must contain the parameter ConversionTaskId", RequestId), await ErrorAsync(response));
        Assert.Empty(_cancelled);
    }

    [Fact]
    public async Task UnknownParameter_IsRefused()
    {
        using var response = await PostAsync(("Action", "CancelConversionTask"), ("ConversionTaskId", "import-i-1"), ("Force", "true"));

        Assert.Equal((HttpStatusCode.BadRequest, "UnknownParameter", "The parameter Force is not recognized", RequestId), await ErrorAsync(response));
    }

    [Theory]
    [InlineData("CancelConversionTask", "ConversionTaskId", "import-i-1")]
    [InlineData("DescribeImportImageTasks", "ImportTaskId.1", "import-ami-1")]
    public async Task DryRun_AnswersDryRunOperation_WithoutCallingTheHandler(string action, string key, string value)
    {
        using var response = await PostAsync(("Action", action), (key, value), ("DryRun", "true"));

        Assert.Equal(
            ((HttpStatusCode)412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", RequestId),
            await ErrorAsync(response));
        Assert.Empty(_cancelled);
    }

    [Fact]
    public async Task HandlerFailure_IsA500InternalError_LoggedWithTheRequestIdButNoParameters()
    {
        using var response = await PostAsync(("Action", "DescribeImportImageTasks"), ("ImportTaskId.1", "import-ami-explode"), ("NextToken", SecretToken));

        Assert.Equal((HttpStatusCode.InternalServerError, "InternalError", "An internal error has occurred", RequestId), await ErrorAsync(response));
        var logged = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(RequestId, logged.Message, StringComparison.Ordinal);
        Assert.Contains("DescribeImportImageTasks", logged.Message, StringComparison.Ordinal);
        Assert.Equal("the disk reader broke", logged.Exception!.Message);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(SecretToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ec2Exception_FromTheHandler_IsItsEnvelope()
    {
        using var response = await PostAsync(("Action", "DescribeImportImageTasks"), ("ImportTaskId.1", "import-ami-missing"));

        Assert.Equal(
            (HttpStatusCode.BadRequest, "InvalidConversionTaskId.Malformed", "The import task ID is malformed.", RequestId),
            await ErrorAsync(response));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("2016-11-15", HttpStatusCode.OK)]
    [InlineData("2015-10-01", HttpStatusCode.OK)]
    [InlineData("latest", HttpStatusCode.BadRequest)]
    [InlineData("2016-13-45", HttpStatusCode.BadRequest)]
    public async Task Version_IsOptional_ButMustBeADate(string? version, HttpStatusCode expected)
    {
        var form = new List<(string, string)> { ("Action", "CancelConversionTask"), ("ConversionTaskId", "import-i-1") };
        if (version is not null)
        {
            form.Add(("Version", version));
        }

        using var response = await PostAsync([.. form]);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("NoSuchVersion", (await ErrorAsync(response)).Code);
        }
    }

    [Fact]
    public async Task ClientGoingAway_CancelsTheHandler_AndIsNotAnError()
    {
        using var abandon = new CancellationTokenSource();
        var request = Client.PostAsync(
            "/",
            new FormUrlEncodedContent([KeyValuePair.Create("Action", "DescribeImportImageTasks"), KeyValuePair.Create("ImportTaskId.1", "import-ami-slow")]),
            abandon.Token);
        await _handlerWaiting.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await abandon.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await _handlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error && e.Category.Contains("Ec2Query", StringComparison.Ordinal));
    }
}
