using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>
/// A VHD image (Microsoft "Virtual Hard Disk Image Format Specification"): fixed or dynamic. Differencing
/// disks are refused, as AWS refuses them ("Footers not identical", spec §4.1 and §13.2 N3).
/// </summary>
public abstract class VhdDisk : IVirtualDisk
{
    private readonly bool _ownsSource;

    private protected VhdDisk(IBlockSource source, VhdFooter footer, bool ownsSource)
    {
        Source = source;
        Footer = footer;
        _ownsSource = ownsSource;
        Capacity = footer.VirtualSize;
    }

    /// <summary>The message of a differencing disk's refusal: AWS's own words first.</summary>
    public const string DifferencingRefusal = "Footers not identical: the VHD is a differencing disk, which is not supported. Merge it into its parent or export it as a fixed or dynamic VHD, and retry.";

    public string Format => "vhd";

    /// <summary>"fixed" or "dynamic".</summary>
    public abstract string Subformat { get; }

    public VhdFooter Footer { get; }

    public long Capacity { get; }

    private protected IBlockSource Source { get; }

    /// <summary>
    /// Opens a VHD: checks the footer (cookie, checksum, type, size) and, for a dynamic disk, the footer copy,
    /// the dynamic header and every block allocation table entry it will use. On success the disk owns
    /// <paramref name="source"/> when <paramref name="ownsSource"/> is set; on failure the caller still does.
    /// </summary>
    public static async Task<VhdDisk> OpenAsync(IBlockSource source, bool ownsSource = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length < VhdFooter.Size)
        {
            throw new InvalidDiskImageException($"The file is {source.Length} bytes long, too short to be a VHD (the footer alone is 512 bytes).");
        }

        var footerBytes = new byte[VhdFooter.Size];
        await ReadExactlyAsync(source, source.Length - VhdFooter.Size, footerBytes, "footer", cancellationToken).ConfigureAwait(false);
        if (!VhdFooter.HasCookie(footerBytes))
        {
            var first = new byte[VhdFooter.Size];
            await ReadExactlyAsync(source, 0, first, "footer copy", cancellationToken).ConfigureAwait(false);
            throw new InvalidDiskImageException(VhdFooter.HasCookie(first)
                ? "The VHD has a footer copy at its start but no footer at its end: the file is truncated."
                : "The file is not a VHD: it has no \"conectix\" footer in its last 512 bytes.");
        }

        var footer = VhdFooter.Parse(footerBytes, "at the end of the file");
        switch (footer.DiskType)
        {
            case VhdDiskType.Fixed:
                return FixedVhdDisk.Open(source, footer, ownsSource);
            case VhdDiskType.Dynamic:
                return await DynamicVhdDisk.OpenAsync(source, footer, footerBytes, ownsSource, cancellationToken).ConfigureAwait(false);
            case VhdDiskType.Differencing:
                throw new UnsupportedDiskImageException(DifferencingRefusal);
            default:
                throw new InvalidDiskImageException($"The VHD footer declares disk type {(uint)footer.DiskType}; only fixed (2) and dynamic (3) disks are images.");
        }
    }

    public abstract IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync(CancellationToken cancellationToken = default);

    public abstract ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _ownsSource ? Source.DisposeAsync() : ValueTask.CompletedTask;
    }

    private protected static async ValueTask ReadExactlyAsync(IBlockSource source, long offset, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var read = await source.ReadAtAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        if (read != buffer.Length)
        {
            throw new InvalidDiskImageException($"The VHD {what} at byte {offset} runs past the end of the file ({source.Length} bytes).");
        }
    }
}
