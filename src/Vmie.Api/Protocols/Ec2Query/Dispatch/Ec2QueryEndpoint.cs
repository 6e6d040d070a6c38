using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Vmie.Api.Protocols.Ec2Query.Binding;
using Vmie.Api.Protocols.Ec2Query.Serialization;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Protocols.Ec2Query.Dispatch;

/// <summary>
/// Answers one EC2 Query request whose parameters the pipeline has already decoded and whose
/// signature it has verified: finds the action, binds its request, honours DryRun, calls the
/// handler and writes the XML response or EC2's error envelope.
/// </summary>
public sealed class Ec2QueryEndpoint
{
    private readonly Ec2OperationRegistry _registry;
    private readonly ILogger<Ec2QueryEndpoint> _logger;
    private readonly Ec2QueryBinder _binder;
    private readonly Ec2XmlWriter _writer;

    public Ec2QueryEndpoint(Ec2OperationRegistry registry, ILogger<Ec2QueryEndpoint> logger, Ec2QueryLimits? limits = null)
    {
        _registry = registry;
        _logger = logger;
        _binder = new Ec2QueryBinder(limits ?? Ec2QueryLimits.Default);
        _writer = new Ec2XmlWriter(registry.Model.XmlNamespace);
    }

    /// <param name="parameters">Decoded form and query-string pairs, in any order, including Action and Version.</param>
    public async Task HandleAsync(HttpContext context, Ec2RequestContext requestContext, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requestContext);
        ArgumentNullException.ThrowIfNull(parameters);
        var aborted = context.RequestAborted;
        string? action = null;
        try
        {
            var (actionName, operationParameters) = Split(parameters);
            action = actionName;
            if (!_registry.TryGetOperation(action, out var operation))
            {
                throw Ec2ProtocolErrors.InvalidAction(action);
            }

            var bound = _binder.Bind(operation.Input, operationParameters);
            if (bound.DryRun)
            {
                throw Ec2ProtocolErrors.DryRunOperation();
            }

            var result = await operation.InvokeAsync(bound.Request, requestContext, aborted);
            await WriteAsync(
                context,
                StatusCodes.Status200OK,
                stream => _writer.WriteResult(stream, operation.Action, requestContext.RequestId, operation.Output, result));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client is gone; there is no one to answer.
        }
        catch (Ec2Exception error)
        {
            _logger.Log(
                error.HttpStatus >= StatusCodes.Status500InternalServerError ? LogLevel.Warning : LogLevel.Debug,
                "EC2 {Action} answered {Code} ({Status}) for request {RequestId}",
                action,
                error.Code,
                error.HttpStatus,
                requestContext.RequestId);
            await WriteErrorAsync(context, error.HttpStatus, error.Code, error.Message, requestContext.RequestId);
        }
        catch (Exception exception)
        {
            // Parameters are not logged: they may hold presigned URLs and other secrets.
            _logger.LogError(exception, "EC2 {Action} failed with an internal error for request {RequestId}", action, requestContext.RequestId);
            var internalError = Ec2ProtocolErrors.InternalError();
            await WriteErrorAsync(context, internalError.HttpStatus, internalError.Code, internalError.Message, requestContext.RequestId);
        }
    }

    private static (string Action, List<KeyValuePair<string, string>> Parameters) Split(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        string? action = null;
        string? version = null;
        var operationParameters = new List<KeyValuePair<string, string>>(parameters.Count);
        foreach (var parameter in parameters)
        {
            switch (parameter.Key)
            {
                case ProtocolParameters.Action:
                    action = Single(action, parameter);
                    break;
                case ProtocolParameters.Version:
                    version = Single(version, parameter);
                    break;
                default:
                    if (!ProtocolParameters.IsProtocolParameter(parameter.Key))
                    {
                        operationParameters.Add(parameter);
                    }

                    break;
            }
        }

        if (string.IsNullOrEmpty(action))
        {
            throw Ec2ProtocolErrors.MissingAction();
        }

        // Some clients send no Version, and older ones an older date; the operations vmie serves
        // have not changed shape for them. Only something that is not a date at all is refused.
        if (version is not null
            && !DateOnly.TryParseExact(version, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw Ec2ProtocolErrors.NoSuchVersion(version);
        }

        return (action, operationParameters);
    }

    private static string Single(string? previous, KeyValuePair<string, string> parameter) =>
        previous is null || previous == parameter.Value ? parameter.Value : throw Ec2ProtocolErrors.DuplicateParameter(parameter.Key);

    /// <summary>
    /// Answers with EC2's error envelope for a request refused before dispatch (e.g. by authentication).
    /// </summary>
    public Task WriteErrorAsync(HttpContext context, Ec2Exception error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        return WriteErrorAsync(context, error.HttpStatus, error.Code, error.Message, context.TraceIdentifier);
    }

    private async Task WriteErrorAsync(HttpContext context, int status, string code, string message, string requestId)
    {
        if (context.Response.HasStarted)
        {
            // Too late for an envelope; cut the connection so the client sees a failure, not a truncated success.
            context.Abort();
            return;
        }

        try
        {
            await WriteAsync(context, status, stream => _writer.WriteError(stream, code, message, requestId));
        }
        catch (Exception exception) when (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // The client left while the error was being sent.
        }
    }

    // The XML is produced synchronously into a buffer that spills to a temporary file past 32 KiB,
    // then copied out asynchronously: memory stays bounded, and a serialisation failure can
    // still become an error envelope because nothing has been sent yet.
    private static async Task WriteAsync(HttpContext context, int status, Action<Stream> write)
    {
        await using var buffer = new FileBufferingWriteStream();
        write(buffer);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = Ec2XmlWriter.ContentType;
        response.ContentLength = buffer.Length;
        await buffer.DrainBufferAsync(response.Body, context.RequestAborted);
    }
}
