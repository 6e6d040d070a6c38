using SharpFuzz;

namespace Vmie.Fuzz;

/// <summary>
/// The command line every fuzz harness shares (linked into each harness project): <c>TARGET</c> alone runs under
/// afl-fuzz, reading inputs from afl's shared memory; <c>TARGET FILE...</c> replays files once each and prints
/// the outcome, which is how a finding is reproduced. Run's <c>run</c> returns null when the input was
/// accepted, the exception when it was rightly rejected, and throws on a finding.
/// </summary>
internal static class FuzzCommandLine
{
    public static int Run(string[] args, IReadOnlyCollection<string> targets, Func<string, byte[], Task<Exception?>> run)
    {
        if (args.Length == 0 || !targets.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: {AppDomain.CurrentDomain.FriendlyName} TARGET [FILE...]; targets: {string.Join(", ", targets)}");
            return 2;
        }

        var target = args[0];
        if (args.Length > 1)
        {
            var failures = 0;
            foreach (var file in args.Skip(1))
            {
                try
                {
                    var rejection = run(target, File.ReadAllBytes(file)).GetAwaiter().GetResult();
                    Console.WriteLine(rejection is null ? $"opened   {file}" : $"rejected {file}: {rejection.Message}");
                }
                catch (Exception exception)
                {
                    failures++;
                    Console.WriteLine($"FINDING  {file}: {exception}");
                }
            }

            return failures == 0 ? 0 : 1;
        }

        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            _ = run(target, copy.ToArray()).GetAwaiter().GetResult();
        });
        return 0;
    }
}
