using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vmie.Api.Auth.Credentials;

namespace Vmie.Api.Hosting;

/// <summary>A running vmie server: Kestrel on one port, the embedded stores, and the task runner.</summary>
public sealed class VmieHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DataDirectoryLock _lock;

    private VmieHost(WebApplication app, DataDirectoryLock dataLock, LocalAccount account, Uri endpoint)
    {
        _app = app;
        _lock = dataLock;
        Account = account;
        Endpoint = endpoint;
    }

    public LocalAccount Account { get; }

    /// <summary>The base URL clients use, with the port actually bound.</summary>
    public Uri Endpoint { get; }

    public static async Task<VmieHost> StartAsync(VmieServerOptions options, CancellationToken cancellationToken = default)
    {
        var dataLock = DataDirectoryLock.Acquire(options.DataDirectory);
        try
        {
            return await StartLockedAsync(options, dataLock, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            dataLock.Dispose();
            throw;
        }
    }

    private static async Task<VmieHost> StartLockedAsync(VmieServerOptions options, DataDirectoryLock dataLock, CancellationToken cancellationToken)
    {
        var account = LocalAccount.LoadOrCreate(options.DataDirectory, options.AccountId, options.AccessKeyId, options.SecretAccessKey);

        var listenOnLocalhost = string.Equals(options.ListenAddress, "localhost", StringComparison.OrdinalIgnoreCase);
        IPAddress? address = null;
        if (!listenOnLocalhost && !IPAddress.TryParse(options.ListenAddress, out address))
        {
            throw new ArgumentException($"The listen address '{options.ListenAddress}' is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or localhost).");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = options.DataDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // A failed start (port taken...) is reported once, plainly, by the caller.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Body size limits are the protocols' business (S3: 5 GiB per request; EC2: 1 MiB). Kestrel's
            // minimum data rate stays on: it is what stops a client from holding a connection with a trickle.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxConcurrentConnections = 1024;
            if (address is null)
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else
            {
                kestrel.Listen(address, options.Port);
            }
        });

        VmieServices.Add(builder.Services, options, account);
        var app = builder.Build();
        try
        {
            VmieServices.Initialize(app.Services);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var gateway = app.Services.GetRequiredService<RequestGateway>();
        app.Run(gateway.InvokeAsync);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = options.ListenAddress is "0.0.0.0" or "::" ? "127.0.0.1" : bound.Host;
        var endpoint = new UriBuilder(bound.Scheme, host, bound.Port).Uri;
        return new VmieHost(app, dataLock, account, endpoint);
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM) or the token fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}
