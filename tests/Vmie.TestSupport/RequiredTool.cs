using Xunit;

namespace Vmie.TestSupport;

/// <summary>
/// Finds an external program a test needs. Missing tools skip the test on a developer machine but fail
/// it under CI=true, so CI can never go green by skipping.
/// </summary>
public static class RequiredTool
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the path of <paramref name="program"/> (an absolute path or a name on PATH).</summary>
    public static string Require(string program, string debianPackage)
    {
        var found = Find(program);
        if (found is not null)
        {
            return found;
        }

        var message = $"'{program}' is not installed (Debian package {debianPackage}).";
        if (InCi)
        {
            Assert.Fail(message + " CI must install it.");
        }

        Skip.If(true, message);
        return program;
    }

    private static string? Find(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return File.Exists(program) ? program : null;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
