using Microsoft.Extensions.DependencyInjection;
using Vmie.Ec2.Requests;

namespace Vmie.Ec2.Composition;

/// <summary>
/// One EC2 Query action this domain serves: the protocol layer binds the form parameters to an instance of
/// <see cref="RequestType"/>, calls <see cref="InvokeAsync"/> and serialises the result (null for actions
/// without an output shape, which answer with an empty response).
/// </summary>
/// <param name="Name">The Action parameter, e.g. "ImportSnapshot".</param>
public sealed record Ec2Action(
    string Name,
    Type RequestType,
    Type? ResultType,
    Func<IServiceProvider, object, Ec2RequestContext, CancellationToken, Task<object?>> InvokeAsync)
{
    public static Ec2Action Create<TService, TRequest, TResult>(string name, Func<TService, TRequest, Ec2RequestContext, CancellationToken, Task<TResult>> call)
        where TService : notnull
        where TResult : class =>
        new(name, typeof(TRequest), typeof(TResult),
            async (services, request, context, cancellationToken) =>
                await call(services.GetRequiredService<TService>(), (TRequest)request, context, cancellationToken));

    public static Ec2Action CreateWithoutResult<TService, TRequest>(string name, Func<TService, TRequest, Ec2RequestContext, CancellationToken, Task> call)
        where TService : notnull =>
        new(name, typeof(TRequest), null,
            async (services, request, context, cancellationToken) =>
            {
                await call(services.GetRequiredService<TService>(), (TRequest)request, context, cancellationToken);
                return null;
            });
}
