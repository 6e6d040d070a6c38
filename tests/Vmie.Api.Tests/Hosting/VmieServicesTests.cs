using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vmie.Api.Auth.Credentials;
using Vmie.Api.Hosting;

namespace Vmie.Api.Tests.Hosting;

public sealed class VmieServicesTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "vmie-services-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    /// <summary>A block file and a temp file no database row knows, as a crash leaves them.</summary>
    private (string Block, string Temp) WriteStrayBlock()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData("stray"u8));
        var directory = Path.Combine(_dataDirectory, VmieServices.SnapshotsDirectoryName, hash[..2], hash[2..4]);
        Directory.CreateDirectory(directory);
        var block = Path.Combine(directory, hash);
        var temp = Path.Combine(directory, $"{hash}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(block, [1]);
        File.WriteAllBytes(temp, [2]);
        return (block, temp);
    }

    [Fact]
    public async Task The_snapshot_store_is_cleaned_up_in_the_background_once_the_server_listens_not_before()
    {
        var (block, temp) = WriteStrayBlock();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = _dataDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        VmieServices.Add(builder.Services, new VmieServerOptions { DataDirectory = _dataDirectory, Port = 0 }, LocalAccount.LoadOrCreate(_dataDirectory));
        await using var app = builder.Build();

        VmieServices.Initialize(app.Services);

        // Checking every block file takes about 1.6 s per 100,000 blocks: it must not hold up the start.
        Assert.True(File.Exists(block) && File.Exists(temp), "the snapshot store was scanned before the server could listen");

        await app.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((File.Exists(block) || File.Exists(temp)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(File.Exists(block), "the stray block file was not removed after start");
        Assert.False(File.Exists(temp), "the stray temp file was not removed after start");
        await app.StopAsync();
    }
}
