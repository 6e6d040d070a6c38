using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ntfs;

namespace Vmie.Guest.Tests.FileSystems.Ntfs;

/// <summary>An image made by mkntfs and ntfscp, read by <see cref="NtfsFileSystem"/> and cross-checked with ntfsls, ntfscat and blkid.</summary>
public sealed class NtfsFileSystemTests
{
    [SkippableFact]
    public async Task Type_label_and_serial_match_the_volume()
    {
        var image = NtfsTestImage.Image;
        await using var source = FileBlockSource.Open(image);
        await using var fs = await NtfsFileSystem.OpenAsync(source);
        Assert.Equal("ntfs", fs.Type);
        Assert.True(fs.IsCaseInsensitive);
        Assert.Equal(NtfsTestImage.Label, fs.Label);
        Assert.Equal(4096, fs.ClusterSize);
        var blkid = ExternalToolOutput("blkid", "util-linux", "-o", "value", "-s", "UUID", image).Trim();
        Assert.Matches("^[0-9A-F]{16}$", blkid);
        Assert.Equal(blkid, fs.Uuid);
    }

    [SkippableFact]
    public async Task Root_and_extend_list_as_ntfsls_lists_them()
    {
        var image = NtfsTestImage.Image;
        await using var source = FileBlockSource.Open(image);
        await using var fs = await NtfsFileSystem.OpenAsync(source);
        var root = await NamesAsync(fs, fs.Root);
        Assert.True(root.Count > NtfsTestImage.ManyCount);
        Assert.Equal(NtfsTestImage.Files.Keys.Order(StringComparer.Ordinal), root);
        Assert.Equal(NtfsLs(image, "/"), root);

        var extend = await new GuestFiles(fs).FindAsync("/$Extend");
        Assert.NotNull(extend);
        Assert.Equal(GuestNodeKind.Directory, extend.Kind);
        var names = await NamesAsync(fs, extend);
        Assert.Contains("$Quota", names);
        Assert.Equal(NtfsLs(image, "/$Extend"), names);
    }

    [SkippableFact]
    public async Task Every_file_reads_as_written_and_as_ntfscat_reads_it()
    {
        var image = NtfsTestImage.Image;
        await using var source = FileBlockSource.Open(image);
        await using var fs = await NtfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        foreach (var (name, content) in NtfsTestImage.Files)
        {
            var node = await guest.FindAsync("/" + name);
            Assert.NotNull(node);
            Assert.Equal(GuestNodeKind.File, node.Kind);
            Assert.Equal(content.Length, node.Size);
            await using var stream = guest.OpenRead(node);
            var read = new MemoryStream();
            await stream.CopyToAsync(read);
            Assert.True(content.AsSpan().SequenceEqual(read.ToArray()), name);
        }

        foreach (var name in new[] { "large.bin", "tiny.txt", "spacer5", "entry-with-a-longish-name-0123" })
        {
            var theirs = NtfsCat(image, "/" + name);
            Assert.True(theirs.AsSpan().SequenceEqual(NtfsTestImage.Files[name]), name);
        }
    }

    [SkippableFact]
    public async Task Exercises_resident_multi_run_sparse_and_index_allocation_paths()
    {
        var image = NtfsTestImage.Image;
        await using var source = FileBlockSource.Open(image);
        await using var fs = await NtfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        var tiny = (NtfsNode)(await guest.FindAsync("/tiny.txt"))!;
        Assert.Equal(0, tiny.Data!.RunCount);
        var large = (NtfsNode)(await guest.FindAsync("/large.bin"))!;
        Assert.True(large.Data!.RunCount > 1, $"large.bin has {large.Data.RunCount} runs");
        var sparse = (NtfsNode)(await guest.FindAsync("/spacer5"))!;
        Assert.Equal(NtfsTestImage.SparseInitialized, sparse.Data!.InitializedSize);
        var root = (NtfsNode)fs.Root;
        Assert.Contains(root.File.Attributes, a => a.Type == NtfsAttributeType.IndexAllocation);
    }

    [SkippableFact]
    public async Task Lookups_ignore_case_and_metadata_files_are_found_but_not_listed()
    {
        await using var source = FileBlockSource.Open(NtfsTestImage.Image);
        await using var fs = await NtfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        Assert.Equal("hello, ntfs\n", await guest.ReadAllTextAsync("/TINY.TXT"));
        Assert.Equal("123\n", await guest.ReadAllTextAsync("/Entry-With-A-Longish-Name-0123"));
        Assert.Equal("unicode\n", await guest.ReadAllTextAsync("/GRÜSSE-日本語.txt".Replace("SS", "ß", StringComparison.Ordinal).ToUpperInvariant()));
        Assert.Null(await guest.FindAsync("/entry-with-a-longish-name-9999"));
        Assert.Null(await guest.FindAsync("/tiny.txt/below"));
        var mft = await guest.FindAsync("/$MFT");
        Assert.NotNull(mft);
        Assert.True(mft.Size > 0);
        Assert.DoesNotContain("$MFT", await NamesAsync(fs, fs.Root));
    }

    private static async Task<List<string>> NamesAsync(NtfsFileSystem fs, GuestNode directory)
    {
        var names = new List<string>();
        await foreach (var entry in fs.ListAsync(directory))
        {
            names.Add(entry.Name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static List<string> NtfsLs(string image, string path) =>
        [.. NtfsTestImage.Tool("ntfsls", "-a", "-p", path, image).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private static byte[] NtfsCat(string image, string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo(RequiredTool.Require("ntfscat", "ntfs-3g")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(image);
        start.ArgumentList.Add(path);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        return output.ToArray();
    }

    private static string ExternalToolOutput(string program, string package, params string[] arguments) =>
        Infrastructure.ExternalTool.Run(program, package, arguments);
}
