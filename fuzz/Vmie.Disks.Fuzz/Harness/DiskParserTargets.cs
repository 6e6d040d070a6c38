using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Ova;
using Vmie.Disks.Sources;
using Vmie.Disks.Vhd;
using Vmie.Disks.Vhdx;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Fuzz.Harness;

/// <summary>
/// The fuzz targets, one per parser, shared by the fuzzer (fuzz/Vmie.Disks.Fuzz) and the regression test that
/// replays fuzz/corpus and fuzz/findings. Each one takes the input bytes as an in-memory source, opens it, walks
/// the allocation map and reads what it reports, then disposes. An <see cref="InvalidDiskImageException"/>
/// (or its <see cref="UnsupportedDiskImageException"/>) is the answer a hostile input deserves; any other
/// exception, a broken <see cref="IVirtualDisk"/> contract, or a hang is a finding.
/// </summary>
public static class DiskParserTargets
{
    /// <summary>Bytes read from the virtual disk per input, so a valid image that claims 16 TiB still ends fast.</summary>
    public const long MaxVirtualBytesRead = 64L << 20;

    private const int ReadChunk = 1 << 20;

    /// <summary>What a VMDK descriptor's extent resolves to: a small flat extent with recognisable bytes.</summary>
    private static readonly byte[] FlatExtentBytes = Enumerable.Range(0, 64 << 10).Select(i => (byte)(i * 7)).ToArray();

    // The extension point: a new parser gets its line here, a seed folder fuzz/corpus/<name>/, and is then
    // runnable as `fuzz/run.sh <name>` and replayed by the regression test.
    private static readonly Dictionary<string, Func<byte[], CancellationToken, Task>> Targets = new(StringComparer.Ordinal)
    {
        ["sniffer"] = SniffAndOpenAsync,
        ["vmdk"] = OpenVmdkAsync,
        ["vmdk-descriptor"] = OpenVmdkDescriptorAsync,
        ["vhd"] = (input, ct) => WalkAsync(VhdDisk.OpenAsync(new MemoryBlockSource(input), ownsSource: true, ct), ct),
        // The input is packed (see WindowedBlockSource): a VHDX made of raw input bytes never gets past its region table.
        ["vhdx"] = (input, ct) => WalkAsync(VhdxDisk.OpenAsync(new WindowedBlockSource(input), ownsSource: true, ct), ct),
        ["ova"] = OpenOvaAsync,
    };

    public static IReadOnlyCollection<string> Names => Targets.Keys;

    /// <summary>
    /// Runs <paramref name="target"/> on <paramref name="input"/>. Returns normally on success (null) or an expected
    /// rejection (the exception); anything else propagates (that is the finding).
    /// </summary>
    public static async Task<InvalidDiskImageException?> RunAsync(string target, byte[] input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Targets.TryGetValue(target, out var run))
        {
            throw new ArgumentException($"Unknown fuzz target '{target}'; known: {string.Join(", ", Targets.Keys)}.", nameof(target));
        }

        try
        {
            await run(input, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (InvalidDiskImageException rejection)
        {
            // A rejection in the documented words: the parser did its job.
            return rejection;
        }
    }

    /// <summary>An OVA as ImportImage takes it: the tar directory, the OVF descriptor, the manifest, then every disk inside.</summary>
    private static async Task OpenOvaAsync(byte[] input, CancellationToken cancellationToken)
    {
        await using var package = await OvaPackage.OpenAsync(new MemoryBlockSource(input), cancellationToken).ConfigureAwait(false);
        await package.VerifyManifestAsync(cancellationToken).ConfigureAwait(false);
        foreach (var disk in package.Disks)
        {
            var opened = await disk.OpenAsync(cancellationToken).ConfigureAwait(false);
            await WalkAsync(Task.FromResult(opened.Disk), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The import path: tell the format from the content, check it against every declarable one, open it.</summary>
    private static async Task SniffAndOpenAsync(byte[] input, CancellationToken cancellationToken)
    {
        var source = new MemoryBlockSource(input);
        var format = await DiskFormatSniffer.DetectAsync(source, cancellationToken).ConfigureAwait(false);
        foreach (var declared in new[] { "RAW", "VMDK", "VHD", "VHDX", "OVA" })
        {
            _ = DiskFormatSniffer.Mismatch(declared, format);
        }

        var opened = await DiskImageOpener.OpenAsync(source, resolveExtent: null, cancellationToken).ConfigureAwait(false);
        await WalkAsync(Task.FromResult(opened.Disk), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A VMDK sparse extent (or whatever else starts the file) with no extent files beside it.</summary>
    private static Task OpenVmdkAsync(byte[] input, CancellationToken cancellationToken) =>
        WalkAsync(VmdkDisk.OpenAsync(new MemoryBlockSource(input), resolveExtent: null, ownsSource: true, cancellationToken), cancellationToken);

    /// <summary>A VMDK text descriptor: parsed alone, then opened with every extent name resolving to a small flat file.</summary>
    private static async Task OpenVmdkDescriptorAsync(byte[] input, CancellationToken cancellationToken)
    {
        var descriptor = VmdkDescriptor.Parse(Encoding.UTF8.GetString(input));
        _ = descriptor.CreateType;
        _ = descriptor.HasParent;
        foreach (var extent in descriptor.Extents)
        {
            _ = (extent.Type, extent.FileName, extent.SizeSectors, extent.OffsetSectors);
        }

        var disk = VmdkDisk.OpenAsync(new MemoryBlockSource(input), _ => new MemoryBlockSource(FlatExtentBytes), ownsSource: true, cancellationToken);
        await WalkAsync(disk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Walks the allocation map, checks the <see cref="IVirtualDisk"/> contract on it (ascending, not overlapping,
    /// within the capacity), and reads every extent up to <see cref="MaxVirtualBytesRead"/> in total.
    /// </summary>
    private static async Task WalkAsync<TDisk>(Task<TDisk> opening, CancellationToken cancellationToken)
        where TDisk : IVirtualDisk
    {
        await using var disk = await opening.ConfigureAwait(false);
        var capacity = disk.Capacity;
        Check(capacity is >= 0 and < DiskImageLimits.MaxVirtualSize, $"capacity {capacity} out of range");
        var buffer = new byte[ReadChunk];
        long previousEnd = 0;
        long budget = MaxVirtualBytesRead;
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            Check(extent.Offset >= previousEnd && extent.Length > 0 && extent.End <= capacity,
                $"extent [{extent.Offset}, +{extent.Length}) after {previousEnd} breaks the allocation map contract (capacity {capacity})");
            previousEnd = extent.End;
            for (var offset = extent.Offset; offset < extent.End && budget > 0;)
            {
                var wanted = (int)Math.Min(Math.Min(buffer.Length, extent.End - offset), budget);
                var read = await disk.ReadAsync(offset, buffer.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                Check(read == wanted, $"read {read} of {wanted} bytes at {offset}, inside the disk");
                offset += read;
                budget -= read;
            }

            if (budget <= 0)
            {
                break;
            }
        }

        // The last sector reads too (zeros or data), and reading at the end returns nothing.
        if (capacity > 0)
        {
            var tail = (int)Math.Min(capacity, 512);
            var read = await disk.ReadAsync(capacity - tail, buffer.AsMemory(0, tail), cancellationToken).ConfigureAwait(false);
            Check(read == tail, $"read {read} of {tail} bytes at the end of the disk");
        }

        var past = await disk.ReadAsync(capacity, buffer.AsMemory(0, 512), cancellationToken).ConfigureAwait(false);
        Check(past == 0, $"read {past} bytes past the end of the disk");
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzContractViolationException(what);
        }
    }
}
