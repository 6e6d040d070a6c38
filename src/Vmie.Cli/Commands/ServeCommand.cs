using System.CommandLine;
using Vmie.Api.Hosting;

namespace Vmie.Cli.Commands;

/// <summary><c>vmie serve</c>: the EC2 and S3 APIs on one port, with embedded storage.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "Address to bind (VMIE_LISTEN). Loopback by default.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VMIE_LISTEN") ?? "127.0.0.1",
        };
        var port = new Option<int>("--port", "-p")
        {
            Description = $"TCP port (VMIE_PORT); 0 picks a free one. Default {VmieServerOptions.DefaultPort}.",
            DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable("VMIE_PORT"), out var p) ? p : VmieServerOptions.DefaultPort,
        };
        var dataDir = new Option<string>("--data-dir", "-d")
        {
            Description = "Data directory (VMIE_DATA_DIR). Default $XDG_DATA_HOME/vmie or ~/.local/share/vmie.",
            DefaultValueFactory = _ => VmieServerOptions.DefaultDataDirectory(),
        };
        var region = new Option<string>("--region")
        {
            Description = "Default region (VMIE_REGION).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VMIE_REGION") ?? VmieServerOptions.DefaultRegion,
        };
        var accountId = new Option<string?>("--account-id")
        {
            Description = "12-digit account id to use instead of the stored one (VMIE_ACCOUNT_ID).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VMIE_ACCOUNT_ID"),
        };
        var accessKeyId = new Option<string?>("--access-key-id")
        {
            Description = "Access key id to use instead of the stored one (VMIE_ACCESS_KEY_ID).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VMIE_ACCESS_KEY_ID"),
        };
        var secretAccessKey = new Option<string?>("--secret-access-key")
        {
            Description = "Secret access key to use with --access-key-id (VMIE_SECRET_ACCESS_KEY; prefer the variable: command lines are visible to other users).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VMIE_SECRET_ACCESS_KEY"),
        };
        var concurrency = new Option<int>("--conversions")
        {
            Description = "Import/export tasks converted at the same time.",
            DefaultValueFactory = _ => 2,
        };

        var maxActiveTasks = new Option<int>("--max-active-tasks")
        {
            Description = "Import tasks that may be active at once per account and region; more are refused with ResourceLimitExceeded (VMIE_MAX_ACTIVE_TASKS).",
            DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable("VMIE_MAX_ACTIVE_TASKS"), out var value) ? value : 5,
        };

        var command = new Command("serve", "Serve the EC2 Query and S3 APIs with embedded storage (SQLite + local files).")
        {
            listen, port, dataDir, region, accountId, accessKeyId, secretAccessKey, concurrency, maxActiveTasks,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            VmieServerOptions options;
            try
            {
                options = new VmieServerOptions
                {
                    ListenAddress = result.GetValue(listen)!,
                    Port = result.GetValue(port),
                    DataDirectory = Path.GetFullPath(result.GetValue(dataDir)!),
                    Region = result.GetValue(region)!,
                    AccountId = result.GetValue(accountId),
                    AccessKeyId = result.GetValue(accessKeyId),
                    SecretAccessKey = result.GetValue(secretAccessKey),
                    ConversionConcurrency = Math.Max(1, result.GetValue(concurrency)),
                    MaxActiveImportTasks = result.GetValue(maxActiveTasks),
                };
                if (options.MaxActiveImportTasks < 1)
                {
                    throw new ArgumentException($"--max-active-tasks must be at least 1, not {options.MaxActiveImportTasks}.");
                }

                if (options.Port is < 0 or > 65535)
                {
                    throw new ArgumentException($"--port must be between 0 and 65535, not {options.Port}.");
                }
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"vmie serve: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            VmieHost host;
            try
            {
                host = await VmieHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or FormatException or UnauthorizedAccessException)
            {
                // Start-up problems a user can fix (port taken, directory in use or unreadable, bad flags): say which, no stack trace.
                await Console.Error.WriteLineAsync($"vmie serve: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            await using var running = host;
            var credential = host.Account.Credential;
            Console.WriteLine($"vmie is serving the EC2 and S3 APIs.");
            Console.WriteLine($"  Endpoint:          {host.Endpoint}");
            Console.WriteLine($"  Region:            {options.Region}");
            Console.WriteLine($"  Data directory:    {options.DataDirectory}");
            Console.WriteLine($"  Account id:        {credential.AccountId}");
            Console.WriteLine($"  Access key id:     {credential.AccessKeyId}");
            Console.WriteLine($"  Secret access key: {credential.SecretAccessKey}");
            Console.WriteLine();
            Console.WriteLine("Configure the AWS CLI with:");
            Console.WriteLine($"  aws configure set aws_access_key_id {credential.AccessKeyId}");
            Console.WriteLine($"  aws configure set aws_secret_access_key {credential.SecretAccessKey}");
            Console.WriteLine($"  aws configure set region {options.Region}");
            Console.WriteLine($"and pass --endpoint-url {host.Endpoint} to each command. Press Ctrl+C to stop.");
            Console.Out.Flush();

            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });

        return command;
    }
}
