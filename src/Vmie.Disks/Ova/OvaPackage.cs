using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;

namespace Vmie.Disks.Ova;

/// <summary>
/// An OVA (DSP0243 §5.3: a tar archive holding an OVF descriptor, then an optional manifest and
/// certificate, then the files the descriptor references). Opening reads only the tar headers, the
/// descriptor and the manifest; disk images are opened in place on demand. Chunked (split) and compressed
/// disk files are refused as AWS refuses them (spec §13.1 I3).
/// </summary>
public sealed class OvaPackage : IAsyncDisposable
{
    /// <summary>Spec §13.1 I3: what an import reports for an OVA whose disks are split into chunks.</summary>
    public const string ChunkedMessage = "OVF file parsing error: OVA with chunked disk files not supported";

    private const int HashBufferSize = 1 << 20;

    private readonly IBlockSource _source;
    private readonly bool _ownsSource;

    private OvaPackage(IBlockSource source, bool ownsSource, TarDirectory directory, TarMember descriptorMember, OvfDescriptor descriptor, TarMember? manifestMember, OvaManifest? manifest, IReadOnlyList<OvaDisk> disks, IReadOnlyList<string> warnings)
    {
        _source = source;
        _ownsSource = ownsSource;
        Directory = directory;
        DescriptorMember = descriptorMember;
        Descriptor = descriptor;
        ManifestMember = manifestMember;
        Manifest = manifest;
        Disks = disks;
        Warnings = warnings;
    }

    public TarDirectory Directory { get; }

    public IReadOnlyList<TarMember> Members => Directory.Members;

    public TarMember DescriptorMember { get; }

    public OvfDescriptor Descriptor { get; }

    public TarMember? ManifestMember { get; }

    public OvaManifest? Manifest { get; }

    /// <summary>The disks in boot order (see <see cref="OvfDescriptor.Disks"/>).</summary>
    public IReadOnlyList<OvaDisk> Disks { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Opens the OVA in <paramref name="source"/>, which the package then owns.</summary>
    public static Task<OvaPackage> OpenAsync(IBlockSource source, CancellationToken cancellationToken = default) =>
        OpenAsync(source, ownsSource: true, cancellationToken);

    /// <param name="ownsSource">Dispose the source with the package (and when opening fails).</param>
    public static async Task<OvaPackage> OpenAsync(IBlockSource source, bool ownsSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return await ReadAsync(source, ownsSource, cancellationToken).ConfigureAwait(false);
        }
        catch when (ownsSource)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<OvaPackage> ReadAsync(IBlockSource source, bool ownsSource, CancellationToken cancellationToken)
    {
        var directory = await TarDirectory.ReadAsync(source, cancellationToken).ConfigureAwait(false);
        var warnings = new List<string>(directory.Warnings);

        var descriptors = directory.Members.Where(m => HasExtension(m.Name, ".ovf")).ToList();
        var descriptorMember = descriptors.FirstOrDefault()
            ?? throw new InvalidDiskImageException("OVF file parsing error: the OVA contains no .ovf descriptor");
        if (directory.Members[0] != descriptorMember)
        {
            warnings.Add($"The OVF descriptor '{descriptorMember.Name}' is not the first file of the OVA, as the OVF specification requires.");
        }

        if (descriptors.Count > 1)
        {
            warnings.Add($"The OVA contains {descriptors.Count} .ovf files; '{descriptorMember.Name}' is used.");
        }

        if (descriptorMember.Size > OvfDescriptor.MaxDescriptorBytes)
        {
            throw new InvalidDiskImageException($"OVF file parsing error: the descriptor '{descriptorMember.Name}' is {descriptorMember.Size} bytes; more than {OvfDescriptor.MaxDescriptorBytes} is refused");
        }

        var descriptorBytes = await ReadMemberAsync(source, descriptorMember, cancellationToken).ConfigureAwait(false);
        var descriptor = OvfDescriptor.Parse(new MemoryStream(descriptorBytes, writable: false));
        warnings.AddRange(descriptor.Warnings);

        var (manifestMember, manifest) = await ReadManifestAsync(source, directory, descriptorMember, cancellationToken).ConfigureAwait(false);
        var disks = ResolveDisks(source, directory, descriptor, warnings);
        return new OvaPackage(source, ownsSource, directory, descriptorMember, descriptor, manifestMember, manifest, disks, warnings);
    }

    private static List<OvaDisk> ResolveDisks(IBlockSource source, TarDirectory directory, OvfDescriptor descriptor, List<string> warnings)
    {
        foreach (var file in descriptor.Files)
        {
            if (file.ChunkSize is not null)
            {
                throw new UnsupportedDiskImageException(ChunkedMessage);
            }

            if (file.Compression is { } compression && !string.Equals(compression, "identity", StringComparison.OrdinalIgnoreCase))
            {
                throw new UnsupportedDiskImageException($"OVF file parsing error: OVA with compressed disk files not supported (file '{file.Href}' uses {compression} compression)");
            }
        }

        var disks = new List<OvaDisk>();
        foreach (var disk in descriptor.Disks)
        {
            var file = descriptor.FindFile(disk.FileRef)!;
            var member = directory.Find(file.Href);
            if (member is null)
            {
                // ovftool splits a file into "NAME.000000000", "NAME.000000001"...: a chunked disk.
                if (directory.Members.Any(m => IsChunkOf(m.Name, file.Href)))
                {
                    throw new UnsupportedDiskImageException(ChunkedMessage);
                }

                throw new InvalidDiskImageException($"OVF file parsing error: disk '{disk.DiskId}' is in file '{file.Href}', which the OVA does not contain");
            }

            if (file.Size is { } declared && declared != member.Size)
            {
                warnings.Add($"The descriptor declares {declared} bytes for '{file.Href}'; the OVA holds {member.Size}.");
            }

            disks.Add(new OvaDisk(source, directory, disk, member));
        }

        if (disks.Count == 0)
        {
            throw new InvalidDiskImageException("OVF file parsing error: the descriptor declares no disks");
        }

        return disks;
    }

    private static bool IsChunkOf(string name, string href) =>
        name.Length > href.Length + 1 && name.StartsWith(href, StringComparison.Ordinal) && name[href.Length] == '.'
        && name.AsSpan(href.Length + 1).ContainsAnyExceptInRange('0', '9') == false;

    private static async Task<(TarMember?, OvaManifest?)> ReadManifestAsync(IBlockSource source, TarDirectory directory, TarMember descriptorMember, CancellationToken cancellationToken)
    {
        var expected = Path.ChangeExtension(descriptorMember.Name, ".mf");
        var member = directory.Find(expected) ?? directory.Members.FirstOrDefault(m => HasExtension(m.Name, ".mf"));
        if (member is null)
        {
            return (null, null);
        }

        if (member.Size > OvaManifest.MaxManifestBytes)
        {
            throw new InvalidDiskImageException($"The OVA manifest '{member.Name}' is {member.Size} bytes; more than {OvaManifest.MaxManifestBytes} is refused.");
        }

        var bytes = await ReadMemberAsync(source, member, cancellationToken).ConfigureAwait(false);
        return (member, OvaManifest.Parse(Encoding.UTF8.GetString(bytes), member.Name));
    }

    /// <summary>
    /// Checks every digest of the manifest against the member it names, hashing members in parallel (one
    /// reader per core, a fixed buffer each). Returns false when the OVA has no manifest. A mismatch, or a
    /// file the manifest names but the OVA lacks, is an <see cref="InvalidDiskImageException"/> naming the file.
    /// </summary>
    public async Task<bool> VerifyManifestAsync(CancellationToken cancellationToken = default)
    {
        if (Manifest is null)
        {
            return false;
        }

        var work = Manifest.Entries
            .Select(entry => (Entry: entry, Member: Directory.Find(entry.FileName)
                ?? throw new InvalidDiskImageException($"The OVA manifest lists '{entry.FileName}', which the OVA does not contain.")))
            .OrderByDescending(w => w.Member.Size)
            .ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(work, options, async (item, token) =>
        {
            var actual = await HashMemberAsync(item.Member, item.Entry.Algorithm, token).ConfigureAwait(false);
            if (!CryptographicOperations.FixedTimeEquals(actual, item.Entry.Digest))
            {
                throw new InvalidDiskImageException($"The OVA file '{item.Entry.FileName}' does not match its {item.Entry.Algorithm} digest in the manifest; the OVA is damaged or was altered.");
            }
        }).ConfigureAwait(false);
        return true;
    }

    private async Task<byte[]> HashMemberAsync(TarMember member, string algorithm, CancellationToken cancellationToken)
    {
        var name = algorithm switch
        {
            "SHA1" => HashAlgorithmName.SHA1,
            "SHA256" => HashAlgorithmName.SHA256,
            _ => HashAlgorithmName.SHA512,
        };
        using var hash = IncrementalHash.CreateHash(name);
        var buffer = ArrayPool<byte>.Shared.Rent(HashBufferSize);
        try
        {
            for (long done = 0; done < member.Size;)
            {
                var wanted = (int)Math.Min(HashBufferSize, member.Size - done);
                var read = await _source.ReadAtAsync(member.DataOffset + done, buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                if (read <= 0)
                {
                    throw new InvalidDiskImageException($"The OVA ended inside the file '{member.Name}'; it is truncated.");
                }

                hash.AppendData(buffer, 0, read);
                done += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Opens the first (boot) disk as an <see cref="OpenedDiskImage"/> of format OVA that owns this package.</summary>
    public async Task<OpenedDiskImage> OpenBootDiskAsync(CancellationToken cancellationToken = default)
    {
        var inner = await Disks[0].OpenAsync(cancellationToken).ConfigureAwait(false);
        return new OpenedDiskImage(DiskFormat.Ova, $"{DiskFormatSniffer.Name(inner.Format)} {inner.Subformat}", inner.Disk)
        {
            Warnings = [.. Warnings, .. inner.Warnings],
            Package = this,
        };
    }

    private static async Task<byte[]> ReadMemberAsync(IBlockSource source, TarMember member, CancellationToken cancellationToken)
    {
        var bytes = new byte[member.Size];
        var read = await source.ReadAtAsync(member.DataOffset, bytes, cancellationToken).ConfigureAwait(false);
        if (read < bytes.Length)
        {
            throw new InvalidDiskImageException($"The OVA ended inside the file '{member.Name}'; it is truncated.");
        }

        return bytes;
    }

    private static bool HasExtension(string name, string extension) => name.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
