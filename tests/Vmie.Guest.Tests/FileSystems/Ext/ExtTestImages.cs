using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Ext;

/// <summary>
/// ext images built once per test run with mkfs -d from one source tree, in a temporary directory, and the
/// tools to cross-check them (debugfs). Each configuration names the mkfs options it exercises.
/// </summary>
internal static class ExtTestImages
{
    public const string LongLinkTarget = "deep/d01/d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/d13/d14/d15/leaf.txt";
    public const string UnicodeName = "Grüße-日本語-ñ.txt";
    public const int ManyCount = 5000;

    public static readonly IReadOnlyDictionary<string, (string Type, string[] Options)> Configurations = new Dictionary<string, (string, string[])>
    {
        ["ext2-1k"] = ("ext2", ["-t", "ext2", "-b", "1024"]),
        ["ext2-4k"] = ("ext2", ["-t", "ext2", "-b", "4096"]),
        ["ext3-1k"] = ("ext3", ["-t", "ext3", "-b", "1024"]),
        ["ext4-4k"] = ("ext4", ["-t", "ext4", "-b", "4096"]),
        ["ext4-1k"] = ("ext4", ["-t", "ext4", "-b", "1024"]),
        ["ext4-inline"] = ("ext4", ["-t", "ext4", "-b", "4096", "-O", "inline_data,^has_journal"]),
        ["ext4-noextent"] = ("ext4", ["-t", "ext4", "-b", "4096", "-O", "^extent,^64bit"]),
        ["ext4-32bit"] = ("ext4", ["-t", "ext4", "-b", "1024", "-O", "^64bit,^metadata_csum"]),
    };

    private static readonly string Root = RunScratchDirectory.Create("vmie-ext-tests");
    private static readonly Lazy<string> Source = new(BuildSource);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Images = new();


    public static TheoryData<string> Names => [.. Configurations.Keys];

    public static string SourceTree => Source.Value;

    /// <summary>The image file for a configuration (skips when e2fsprogs is missing, fails under CI).</summary>
    public static string Image(string name)
    {
        RequiredTool.Require("mkfs.ext4", "e2fsprogs");
        RequiredTool.Require("debugfs", "e2fsprogs");
        return Images.GetOrAdd(name, key => new Lazy<string>(() => Build(key))).Value;
    }

    /// <summary>A private copy of an image, for tests that damage it.</summary>
    public static string Copy(string name, string purpose)
    {
        var copy = Path.Combine(Root, $"{name}-{purpose}.img");
        File.Copy(Image(name), copy, overwrite: true);
        return copy;
    }

    public static byte[] Debugfs(string image, string command, bool write = false)
    {
        string[] args = write ? ["-w", "-R", command, image] : ["-R", command, image];
        return Run("debugfs", args).Stdout;
    }

    /// <summary>Runs several debugfs commands at once; returns each command's output.</summary>
    public static List<string> DebugfsBatch(string image, IEnumerable<string> commands)
    {
        var file = Path.Combine(Root, $"cmds-{Guid.NewGuid():n}");
        File.WriteAllLines(file, commands, new UTF8Encoding(false));
        var output = Encoding.UTF8.GetString(Run("debugfs", ["-f", file, image]).Stdout);
        File.Delete(file);
        return [.. output.Split("debugfs: ", StringSplitOptions.None).Skip(1)];
    }

    public static (int Exit, byte[] Stdout) Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var stdout = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        process.WaitForExit();
        _ = stderr.Result;
        return (process.ExitCode, stdout.ToArray());
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }


    private static string Build(string name)
    {
        var image = Path.Combine(Root, name + ".img");
        var (_, options) = Configurations[name];
        var (exit, _) = Run("mkfs.ext4", [.. options, "-q", "-F", "-L", name, "-d", SourceTree, image, "96M"]);
        Assert.True(exit == 0, $"mkfs.ext4 {string.Join(' ', options)} failed ({exit}).");

        // e2fsck -D indexes every large directory, so "many" is an htree where the options allow one.
        var (fsck, _) = Run("e2fsck", ["-fyD", image]);
        Assert.True(fsck is 0 or 1, $"e2fsck -fyD {name} failed ({fsck}).");
        return image;
    }

    private static string BuildSource()
    {
        var source = Path.Combine(Root, "source");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "empty"), []);
        File.WriteAllBytes(Path.Combine(source, "one"), "x"u8.ToArray());
        File.WriteAllBytes(Path.Combine(source, "f4095"), Pattern(4095, 1));
        File.WriteAllBytes(Path.Combine(source, "f4096"), Pattern(4096, 2));
        File.WriteAllBytes(Path.Combine(source, "f50k"), Pattern(50_000, 3));
        File.WriteAllBytes(Path.Combine(source, "mib"), Pattern(1 << 20, 4));
        using (var sparse = File.Create(Path.Combine(source, "sparse")))
        {
            // Data only at the end: on ext2 with 1 KiB blocks it lies behind the triple-indirect pointer.
            sparse.SetLength(100L << 20);
            sparse.Position = (100L << 20) - 4096;
            sparse.Write(Pattern(4096, 5));
        }

        Directory.CreateDirectory(Path.Combine(source, "etc"));
        File.WriteAllText(Path.Combine(source, "etc", "os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
        File.WriteAllText(Path.Combine(source, UnicodeName), "unicode\n");
        Directory.CreateDirectory(Path.Combine(source, "emptydir"));
        var deep = Path.Combine(source, Path.GetDirectoryName(LongLinkTarget)!);
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(source, LongLinkTarget), "deep leaf\n");
        File.CreateSymbolicLink(Path.Combine(source, "fast-link"), "one");
        File.CreateSymbolicLink(Path.Combine(source, "slow-link"), LongLinkTarget);
        File.CreateSymbolicLink(Path.Combine(source, "absolute-link"), "/etc/os-release");
        File.CreateSymbolicLink(Path.Combine(source, "dangling-link"), "/nowhere/at/all");
        File.CreateSymbolicLink(Path.Combine(source, "dir-link"), "deep/d01");
        var many = Path.Combine(source, "many");
        Directory.CreateDirectory(many);
        for (var i = 0; i < ManyCount; i++)
        {
            File.WriteAllText(Path.Combine(many, $"entry-with-a-longish-name-{i:D5}"), $"{i}\n");
        }

        return source;
    }
}
