namespace Vmie.Api.Hosting;

/// <summary>How a vmie server is started: where it listens, where it keeps its data, who may call it.</summary>
public sealed record VmieServerOptions
{
    public const int DefaultPort = 8787;
    public const string DefaultRegion = "us-east-1";

    /// <summary>Address to bind; loopback by default so a fresh install is not reachable from the network.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (the chosen port is reported once listening).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Directory holding the metadata database, object bodies, snapshot blocks and credentials.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Region reported to clients that do not name one (the AWS CLI always does).</summary>
    public string Region { get; init; } = DefaultRegion;

    /// <summary>Explicit account id (12 digits); otherwise the stored or a newly generated one.</summary>
    public string? AccountId { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    /// <summary>Import tasks converted at the same time, and disk conversions at the same time across all tasks.</summary>
    public int ConversionConcurrency { get; init; } = 2;

    /// <summary>Import tasks (image and snapshot) that may be active at once per account and region (spec §3.7: 5 by default).</summary>
    public int MaxActiveImportTasks { get; init; } = 5;

    /// <summary>
    /// Host names under which buckets are addressed virtual-hosted style (bucket.HOST); path-style
    /// addressing always works.
    /// </summary>
    public IReadOnlyList<string> VirtualHostSuffixes { get; init; } = ["localhost", "s3.localhost", "vmie.localhost"];

    /// <summary>The default data directory: $VMIE_DATA_DIR, else $XDG_DATA_HOME/vmie, else ~/.local/share/vmie.</summary>
    public static string DefaultDataDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VMIE_DATA_DIR");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "vmie");
    }
}
