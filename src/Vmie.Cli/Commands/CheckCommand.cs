using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.S3;
using Vmie.Cli.Check;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.Inspection;
using Vmie.Guest.Volumes;

namespace Vmie.Cli.Commands;

/// <summary>
/// <c>vmie check IMAGE... [--json] [--endpoint-url URL]</c>: inspects a VM's disks (boot disk first; an OVA gives
/// all its disks) and says whether an AWS-style import would succeed. Exit 0: it would (warnings allowed);
/// 1: it would fail; 2: an image cannot be read.
/// </summary>
internal static class CheckCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Command Create()
    {
        var images = new Argument<string[]>("IMAGE") { Description = "Disk images of one VM, boot disk first: files (raw, VMDK, VHD, VHDX, OVA) or s3://bucket/key.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON." };
        var endpoint = new Option<string?>("--endpoint-url") { Description = "The S3 endpoint for s3:// images (a running vmie serve)." };
        var command = new Command("check", "Inspect a VM's disks and tell whether VM Import would accept them.") { images, json, endpoint };
        command.SetAction(async (result, cancellationToken) =>
        {
            var owned = new List<IAsyncDisposable>();
            try
            {
                var inputs = new List<InspectedDiskInput>();
                foreach (var image in result.GetValue(images)!)
                {
                    inputs.AddRange(await OpenAsync(image, result.GetValue(endpoint), owned, cancellationToken).ConfigureAwait(false));
                }

                var inspection = await GuestInspector.InspectAsync(inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(CheckReport.From(inspection), Json));
                }
                else
                {
                    CheckReportWriter.Write(inspection, useTables: !Console.IsOutputRedirected);
                }

                return inspection.WouldImportSucceed ? 0 : 1;
            }
            catch (Exception e) when (e is InvalidDiskImageException or IOException or UnauthorizedAccessException or AmazonServiceException
                or AmazonClientException or CorruptVolumeException or CorruptFileSystemException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"vmie check: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            finally
            {
                for (var i = owned.Count - 1; i >= 0; i--)
                {
                    await owned[i].DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<InspectedDiskInput>> OpenAsync(string image, string? endpoint, List<IAsyncDisposable> owned, CancellationToken cancellationToken)
    {
        IBlockSource source;
        Func<string, IBlockSource>? extents = null;
        if (image.StartsWith("s3://", StringComparison.Ordinal))
        {
            var rest = image["s3://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw new ArgumentException($"{image}: expected s3://bucket/key.");
            }

            var config = new AmazonS3Config { ForcePathStyle = true };
            if (endpoint is not null)
            {
                config.ServiceURL = endpoint;
            }

            var client = new AmazonS3Client(config);
            owned.Add(new ClientDisposal(client));
            var objectSource = await S3ObjectBlockSource.OpenAsync(client, rest[..slash], rest[(slash + 1)..], cancellationToken).ConfigureAwait(false);
            source = new ReadAheadBlockSource(objectSource);
        }
        else
        {
            source = FileBlockSource.Open(image);
            extents = ExtentFiles.Beside(image);
        }

        var opened = await VirtualMachineImage.OpenAsync(source, image, extents, cancellationToken).ConfigureAwait(false);
        owned.Add(opened);
        if (opened.Disks[0].Disk.Capacity == 0)
        {
            // Any bytes are a raw disk, but no bytes are no disk: nothing to inspect, not an OS-less guest.
            throw new InvalidDiskImageException($"{image}: the image is empty (0 bytes).");
        }

        // An OVA is a whole VM: every disk, in the descriptor's order.
        var inputs = new List<InspectedDiskInput>();
        foreach (var disk in opened.Disks)
        {
            var blocks = new VirtualDiskBlockSource(disk.Disk, ownsDisk: false);
            owned.Add(blocks);
            inputs.Add(new InspectedDiskInput(blocks, disk.Name, opened.Format == DiskFormat.Ova ? $"OVA {disk.FormatName}" : disk.FormatName));
        }

        return inputs;
    }

    private sealed class ClientDisposal(AmazonS3Client client) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
