using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Vmie.Disks.Ova;

/// <summary>
/// Writes an OVA as one sequential tar stream (DSP0243 §5.3 order): the .ovf descriptor first, then each
/// streamOptimized VMDK, then the .mf manifest with the SHA256 digest of the descriptor and of every disk
/// (computed while the bytes go out, so nothing is read twice). The output needs no seeking.
/// </summary>
public static class OvaWriter
{
    private const int CopyBufferSize = 1 << 20;

    public static async Task WriteAsync(Stream output, OvaExportDescription description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(description);
        Validate(description);

        var baseName = SafeFileName(description.Name);
        var modified = DateTimeOffset.UtcNow;
        var diskFiles = description.Disks
            .Select((disk, i) => (Name: DiskFileName(description.Name, i), Size: new FileInfo(disk.VmdkPath).Length))
            .ToList();
        var descriptor = OvfEnvelopeWriter.Write(description, diskFiles);

        var tar = new TarStreamWriter(output);
        var manifest = new StringBuilder();
        var descriptorName = baseName + ".ovf";
        await tar.BeginMemberAsync(descriptorName, descriptor.Length, modified, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await tar.EndMemberAsync(cancellationToken).ConfigureAwait(false);
        AppendDigest(manifest, descriptorName, SHA256.HashData(descriptor));

        for (var i = 0; i < description.Disks.Count; i++)
        {
            var (name, size) = diskFiles[i];
            await tar.BeginMemberAsync(name, size, modified, cancellationToken).ConfigureAwait(false);
            var digest = await CopyHashingAsync(description.Disks[i].VmdkPath, size, output, cancellationToken).ConfigureAwait(false);
            await tar.EndMemberAsync(cancellationToken).ConfigureAwait(false);
            AppendDigest(manifest, name, digest);
        }

        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToString());
        await tar.BeginMemberAsync(baseName + ".mf", manifestBytes.Length, modified, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(manifestBytes, cancellationToken).ConfigureAwait(false);
        await tar.EndMemberAsync(cancellationToken).ConfigureAwait(false);
        await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Validate(OvaExportDescription description)
    {
        if (string.IsNullOrWhiteSpace(description.Name))
        {
            throw new ArgumentException("The exported VM needs a name.", nameof(description));
        }

        if (description.Disks.Count == 0)
        {
            throw new ArgumentException("An OVA export needs at least one disk.", nameof(description));
        }

        // One LSI Logic controller has 15 units for disks (unit 7 is the controller itself).
        if (description.Disks.Count > 15)
        {
            throw new ArgumentException($"An OVA export holds at most 15 disks on its SCSI controller; {description.Disks.Count} were given.", nameof(description));
        }

        if (description.CpuCount < 1 || description.MemoryMiB < 1)
        {
            throw new ArgumentException("The exported VM needs at least one CPU and some memory.", nameof(description));
        }
    }

    /// <summary>Copies the file, checking it still has the length announced in its tar header, and returns its SHA256.</summary>
    private static async Task<byte[]> CopyHashingAsync(string path, long size, Stream output, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            long copied = 0;
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(CopyBufferSize, size - copied + 1)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                copied += read;
                if (copied > size)
                {
                    throw new IOException($"The disk file '{path}' grew while it was written into the OVA.");
                }

                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            if (copied != size)
            {
                throw new IOException($"The disk file '{path}' shrank while it was written into the OVA.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hash.GetHashAndReset();
    }

    private static void AppendDigest(StringBuilder manifest, string name, byte[] digest) =>
        manifest.Append("SHA256(").Append(name).Append(")= ").Append(Convert.ToHexStringLower(digest)).Append('\n');

    /// <summary>Member names keep letters, digits, '.', '-' and '_' so every tool extracts them the same way.</summary>
    /// <summary>
    /// The member name of disk <paramref name="index"/> (from 0) in the OVA of VM <paramref name="vmName"/>: what the
    /// VMDK's own descriptor should name as its extent.
    /// </summary>
    public static string DiskFileName(string vmName, int index) => $"{SafeFileName(vmName)}-disk{index + 1}.vmdk";

    private static string SafeFileName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).Trim('.');
        return safe.Length == 0 ? "vm" : safe;
    }
}
