using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Windows;

/// <summary>
/// Finds the Windows directory of a volume (field notes §4 "Windows inspection"): the first of /Windows, /WINNT,
/// /win32, /win, /reactos that holds system32/, system32/config/ and system32/cmd.exe. Names match as the file
/// system matches them (NTFS and FAT without regard to case).
/// </summary>
public static class WindowsSystemRoot
{
    public static readonly IReadOnlyList<string> Candidates = ["/Windows", "/WINNT", "/win32", "/win", "/reactos"];

    /// <summary>The system root's path ("/Windows"...), or null when the volume holds no Windows installation.</summary>
    public static async ValueTask<string?> FindAsync(GuestFiles volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        foreach (var candidate in Candidates)
        {
            if (await volume.FindAsync($"{candidate}/system32", cancellationToken: cancellationToken).ConfigureAwait(false) is not { Kind: GuestNodeKind.Directory }
                || await volume.FindAsync($"{candidate}/system32/config", cancellationToken: cancellationToken).ConfigureAwait(false) is not { Kind: GuestNodeKind.Directory }
                || await volume.FindAsync($"{candidate}/system32/cmd.exe", cancellationToken: cancellationToken).ConfigureAwait(false) is not { Kind: GuestNodeKind.File })
            {
                continue;
            }

            return candidate;
        }

        return null;
    }
}
