using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ntfs;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// The test-side NTFS writer, checked by ntfs-3g's tools (ntfsfix -n, ntfsinfo, ntfsls -R, ntfscat) and by our own
/// <see cref="NtfsFileSystem"/>: same tree, same bytes as the host directory it was made from.
/// </summary>
public sealed class NtfsImageWriterTests
{
    private const string Label = "writer-test";
    private const int ManyCount = 400;
    private const int HugeCount = 2500;

    private static readonly Lazy<(string Source, string Image, TimeSpan Elapsed)> Built = new(Build);

    [SkippableFact]
    public void Ntfsfix_finds_a_clean_consistent_volume()
    {
        var image = Require().Image;
        var output = Tool("ntfsfix", "-n", image);
        Assert.Contains("NTFS volume version is 3.1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("rror", output, StringComparison.Ordinal);

        var info = Tool("ntfsinfo", "-m", image);
        Assert.Contains("Volume Name: " + Label, info, StringComparison.Ordinal);
        Assert.Contains("Volume Version: 3.1", info, StringComparison.Ordinal);
        Assert.Contains("Cluster Size: 4096", info, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Ntfsls_lists_the_source_tree()
    {
        var (source, image, _) = Require();
        // ntfsls -R prints each directory as "PATH:" followed by its entries' names ("." included).
        var listed = new List<string>();
        var directory = "";
        foreach (var line in Tool("ntfsls", "-R", "-p", "/", image).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.EndsWith(':'))
            {
                directory = line[..^1].TrimEnd('/');
            }
            else if (line is not ("." or ".."))
            {
                listed.Add(directory + "/" + line);
            }
        }

        Assert.Equal(SourcePaths(source).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Ntfscat_reads_the_source_bytes()
    {
        var (source, image, _) = Require();
        foreach (var path in SourcePaths(source).Where(path => File.Exists(source + path)).Where(path => !path.Contains("/huge/", StringComparison.Ordinal) && !path.Contains("/many/", StringComparison.Ordinal)))
        {
            Assert.True(NtfsCat(image, path).AsSpan().SequenceEqual(File.ReadAllBytes(source + path)), path);
        }

        Assert.Equal(Encoding.ASCII.GetBytes("2499\n"), NtfsCat(image, "/huge/entry-with-a-longish-name-2499"));
        Assert.Equal(Encoding.ASCII.GetBytes("0\n"), NtfsCat(image, "/many/Entry 0000"));
    }

    [SkippableFact]
    public async Task NtfsFileSystem_reads_the_same_tree_and_bytes()
    {
        var (source, image, _) = Require();
        await using var block = FileBlockSource.Open(image);
        await using var fs = await NtfsFileSystem.OpenAsync(block);
        Assert.Equal(Label, fs.Label);
        var files = new GuestFiles(fs);
        var seen = new List<string>();
        await WalkAsync(files, "/", seen);
        Assert.Equal(SourcePaths(source).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        foreach (var path in seen.Where(path => File.Exists(source + path)))
        {
            var node = await files.FindAsync(path);
            Assert.NotNull(node);
            await using var stream = files.OpenRead(node);
            var read = new MemoryStream();
            await stream.CopyToAsync(read);
            Assert.True(read.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(source + path)), path);
        }

        // Names match without regard to case through the B-tree, also in the two-level index.
        Assert.NotNull(await files.FindAsync("/WINDOWS/system32/CONFIG/software"));
        Assert.NotNull(await files.FindAsync("/HUGE/ENTRY-WITH-A-LONGISH-NAME-1234"));
    }

    [SkippableFact]
    public void The_same_tree_gives_the_same_bytes_quickly()
    {
        var (source, image, elapsed) = Require();
        var again = ExternalTool.ScratchPath("ntfs-writer-again.img");
        NtfsImageWriter.CreateVolumeFile(again, 64L << 20, source, new NtfsImageOptions(Label));
        Assert.Equal(Hash(image), Hash(again));
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"writing the volume took {elapsed}");
    }

    [Fact]
    public void A_tree_with_names_differing_only_in_case_is_refused()
    {
        var source = ExternalTool.ScratchPath("ntfs-writer-case");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "Name"), "a");
        File.WriteAllText(Path.Combine(source, "NAME"), "b");
        var error = Assert.Throws<InvalidOperationException>(() => NtfsImageWriter.CreateVolumeFile(ExternalTool.ScratchPath("ntfs-writer-case.img"), 16L << 20, source));
        Assert.Contains("differ only in case", error.Message, StringComparison.Ordinal);
    }

    private static async Task WalkAsync(GuestFiles files, string directory, List<string> seen)
    {
        await foreach (var entry in files.ListAsync(directory))
        {
            var path = (directory == "/" ? "" : directory) + "/" + entry.Name;
            seen.Add(path);
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                await WalkAsync(files, path, seen);
            }
        }
    }

    private static List<string> SourcePaths(string source) =>
        [.. Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).Select(path => path[source.Length..])];

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private static byte[] NtfsCat(string image, string path)
    {
        var start = new ProcessStartInfo(RequiredTool.Require("ntfscat", "ntfs-3g")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(image);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ntfscat {path}: {errors.Result}");
        return output.ToArray();
    }

    private static string Tool(string program, params string[] arguments) => ExternalTool.Run(program, "ntfs-3g", arguments);

    private static (string Source, string Image, TimeSpan Elapsed) Require()
    {
        RequiredTool.Require("ntfsls", "ntfs-3g");
        return Built.Value;
    }

    private static (string Source, string Image, TimeSpan Elapsed) Build()
    {
        var source = ExternalTool.ScratchPath("ntfs-writer-tree");
        if (Directory.Exists(source))
        {
            Directory.Delete(source, recursive: true);
        }

        void Put(string path, byte[] content)
        {
            var full = Path.Combine(source, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }

        Put("tiny.txt", "hello, ntfs\n"u8.ToArray());
        Put("empty", []);
        Put("resident-600", Pattern(600, 1));
        Put("nonresident-900", Pattern(900, 2));
        Put("f4096", Pattern(4096, 3));
        Put("large.bin", Pattern(3_000_001, 4));
        Put("Grüße-日本語.txt", Encoding.UTF8.GetBytes("unicode\n"));
        Put("posix:name", "not a Win32 name\n"u8.ToArray());
        Put("Windows/System32/config/SOFTWARE", Pattern(70_000, 5));
        Put("Windows/System32/cmd.exe", Pattern(512, 6));
        Put("Program Files/Common Files/readme", "deep\n"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(source, "empty-dir"));
        for (var i = 0; i < ManyCount; i++)
        {
            Put($"many/Entry {i:D4}", Encoding.ASCII.GetBytes($"{i}\n"));
        }

        for (var i = 0; i < HugeCount; i++)
        {
            Put($"huge/entry-with-a-longish-name-{i:D4}", Encoding.ASCII.GetBytes($"{i}\n"));
        }

        var image = ExternalTool.ScratchPath("ntfs-writer.img");
        var watch = Stopwatch.StartNew();
        NtfsImageWriter.CreateVolumeFile(image, 64L << 20, source, new NtfsImageOptions(Label));
        return (source, image, watch.Elapsed);
    }

    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
