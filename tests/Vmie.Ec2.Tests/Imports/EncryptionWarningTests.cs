using Microsoft.Extensions.Logging;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

/// <summary>Encrypted=true is accepted and reported, and the operator is told that blocks are not encrypted at rest.</summary>
public sealed class EncryptionWarningTests : IAsyncLifetime
{
    private const string AtRest = "not encrypted at rest";

    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private List<CapturedLogEntry> AtRestWarnings() =>
        _host.Log.AtLeast(LogLevel.Warning).Where(e => e.Message.Contains(AtRest, StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task An_encrypted_import_is_accepted_and_logs_one_warning_per_task()
    {
        var request = Ec2TestHost.RawRequest();
        request.Encrypted = true;
        request.KmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/abcd";
        request.ClientToken = "encrypted-1";

        var first = await _host.ImportSnapshot.ImportAsync(request, _host.Context);
        var retried = await _host.ImportSnapshot.ImportAsync(request, _host.Context);

        Assert.Equal(first.ImportTaskId, retried.ImportTaskId);
        Assert.True(first.SnapshotTaskDetail!.Encrypted);
        Assert.Equal(request.KmsKeyId, first.SnapshotTaskDetail.KmsKeyId);
        var warning = Assert.Single(AtRestWarnings());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(first.ImportTaskId!, warning.Message, StringComparison.Ordinal);
        Assert.Contains(request.KmsKeyId, warning.Message, StringComparison.Ordinal);

        var withDefaultKey = Ec2TestHost.RawRequest();
        withDefaultKey.Encrypted = true;
        await _host.ImportSnapshot.ImportAsync(withDefaultKey, _host.Context);
        Assert.Equal(2, AtRestWarnings().Count);
    }

    [Fact]
    public async Task An_unencrypted_import_logs_no_such_warning()
    {
        await _host.ImportSnapshot.ImportAsync(Ec2TestHost.RawRequest(), _host.Context);
        var explicitlyNot = Ec2TestHost.RawRequest();
        explicitlyNot.Encrypted = false;
        await _host.ImportSnapshot.ImportAsync(explicitlyNot, _host.Context);

        Assert.Empty(AtRestWarnings());
    }
}
