namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>The checkout the tests run from (found by walking up to vmie.slnx).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "vmie.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("vmie.slnx not found above " + AppContext.BaseDirectory);
    }
}
