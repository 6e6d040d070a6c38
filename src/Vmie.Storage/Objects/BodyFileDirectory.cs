using System.Security.Cryptography;

namespace Vmie.Storage.Objects;

/// <summary>
/// Where object bodies live: root/&lt;first two hex digits&gt;/&lt;32 hex digit id&gt;, plus root/tmp for bodies
/// being written. Names are generated, never derived from keys, so no key can reach the file system.
/// </summary>
internal sealed class BodyFileDirectory
{
    private const string TemporaryFolderName = "tmp";

    // A body still being written is never this old; older leftovers come from a crash.
    private static readonly TimeSpan AbandonedTemporaryAge = TimeSpan.FromHours(6);

    public BodyFileDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        TemporaryFolder = Path.Combine(Root, TemporaryFolderName);
        Directory.CreateDirectory(TemporaryFolder);
        RemoveTemporaryFilesOlderThan(AbandonedTemporaryAge);
    }

    public string Root { get; }

    public string TemporaryFolder { get; }

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string PathOf(string id)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower))
        {
            // Ids come from our own database; anything else means corruption, never a path to follow.
            throw new InvalidOperationException($"'{id}' is not a body file id.");
        }

        return Path.Combine(Root, id[..2], id);
    }

    public string TemporaryPathOf(string id) => Path.Combine(TemporaryFolder, id + ".part");

    /// <summary>Deletes the body file; a file already gone is fine (a crash may have interrupted an earlier delete).</summary>
    public void Delete(string id)
    {
        try
        {
            File.Delete(PathOf(id));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Deletes bodies being written that were last written more than <paramref name="minimumAge"/> ago.</summary>
    public int RemoveTemporaryFilesOlderThan(TimeSpan minimumAge)
    {
        var cutoff = DateTime.UtcNow - minimumAge;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(TemporaryFolder, "*.part"))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
                removed++;
            }
        }

        return removed;
    }
}
