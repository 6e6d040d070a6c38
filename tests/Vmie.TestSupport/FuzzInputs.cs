using Xunit;

namespace Vmie.TestSupport;

/// <summary>
/// The committed fuzz inputs (fuzz/corpus/TARGET and fuzz/findings/TARGET) as test data: every parser's replay test
/// runs them through its harness, so a finding that once crashed a reader stays its regression test.
/// </summary>
public static class FuzzInputs
{
    /// <summary>The repository's fuzz/ folder.</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>(target, path relative to fuzz/) for every seed and every kept finding of the given targets.</summary>
    public static TheoryData<string, string> Of(IEnumerable<string> targets)
    {
        var data = new TheoryData<string, string>();
        var ordered = targets.Order(StringComparer.Ordinal).ToList();
        foreach (var kind in new[] { "corpus", "findings" })
        {
            foreach (var target in ordered)
            {
                var folder = Path.Combine(Folder, kind, target);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    data.Add(target, Path.GetRelativePath(Folder, file));
                }
            }
        }

        return data;
    }

    /// <summary>The seed files of one target (none when its folder is missing).</summary>
    public static IReadOnlyList<string> Seeds(string target)
    {
        var folder = Path.Combine(Folder, "corpus", target);
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)] : [];
    }

    private static string FindFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "vmie.slnx")))
            {
                return Path.Combine(folder.FullName, "fuzz");
            }
        }

        throw new InvalidOperationException($"No vmie.slnx above {AppContext.BaseDirectory}.");
    }
}
