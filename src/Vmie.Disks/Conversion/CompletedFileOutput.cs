namespace Vmie.Disks.Conversion;

/// <summary>
/// Writes a file that appears only when complete: the bytes go to PATH.vmie-partial, are flushed to disk, and
/// the file is renamed into place; a failed or cancelled write removes the partial file.
/// </summary>
internal static class CompletedFileOutput
{
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var temporary = path + ".vmie-partial";
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await write(output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
