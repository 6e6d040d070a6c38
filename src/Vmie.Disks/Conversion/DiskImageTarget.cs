using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Conversion;

/// <summary>
/// A format vmie writes: how `vmie convert --to NAME` and exports produce it. Every target writes
/// sequentially to a stream (so the output may be an object upload); a target may also know a better way
/// to write a local file (a sparse raw file).
/// </summary>
public sealed class DiskImageTarget
{
    internal DiskImageTarget(
        string name,
        string description,
        IReadOnlyList<string> extensions,
        Func<IVirtualDisk, Stream, IProgress<long>?, CancellationToken, Task> writeStream,
        Func<IVirtualDisk, string, IProgress<long>?, CancellationToken, Task>? writeFile = null)
    {
        Name = name;
        Description = description;
        Extensions = extensions;
        _writeStream = writeStream;
        _writeFile = writeFile;
    }

    private readonly Func<IVirtualDisk, Stream, IProgress<long>?, CancellationToken, Task> _writeStream;
    private readonly Func<IVirtualDisk, string, IProgress<long>?, CancellationToken, Task>? _writeFile;

    /// <summary>The name users give: raw, vhd, vhd-fixed, vhdx, vmdk, ova.</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>File extensions (with the dot) that mean this target; the first is the usual one.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Writes <paramref name="disk"/> in this format, front to back, to <paramref name="output"/>.</summary>
    /// <param name="progress">Receives how far into the source disk the conversion is, in bytes.</param>
    public Task WriteAsync(IVirtualDisk disk, Stream output, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(output);
        return _writeStream(disk, output, progress, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="disk"/> to a new file at <paramref name="path"/> (replaced if present). The file
    /// appears only when complete: a failed or cancelled conversion leaves nothing behind.
    /// </summary>
    public async Task WriteFileAsync(IVirtualDisk disk, string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(path);
        if (_writeFile is not null)
        {
            await _writeFile(disk, path, progress, cancellationToken).ConfigureAwait(false);
            return;
        }

        await CompletedFileOutput.WriteAsync(path, (output, token) => _writeStream(disk, output, progress, token), cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => Name;
}
