using Vmie.Guest.FileSystems;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Windows;

/// <summary>A registry hive read from a guest file, with the stream it reads through; disposing closes the stream.</summary>
public sealed class GuestHiveFile : IAsyncDisposable
{
    private readonly Stream _stream;

    private GuestHiveFile(string path, Stream stream, RegistryHive hive)
    {
        Path = path;
        _stream = stream;
        Hive = hive;
    }

    /// <summary>The guest path the hive was read from.</summary>
    public string Path { get; }

    public RegistryHive Hive { get; }

    /// <summary>The hive at <paramref name="path"/>, or null when there is no such file; a damaged hive throws <see cref="CorruptHiveException"/>.</summary>
    public static async ValueTask<GuestHiveFile?> OpenAsync(GuestFiles files, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var node = await files.FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (node is not { Kind: GuestNodeKind.File })
        {
            return null;
        }

        var stream = files.OpenRead(node);
        try
        {
            var hive = await RegistryHive.OpenAsync(stream, cancellationToken).ConfigureAwait(false);
            return new GuestHiveFile(path, stream, hive);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
