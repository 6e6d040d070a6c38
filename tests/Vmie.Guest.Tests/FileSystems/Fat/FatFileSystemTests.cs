using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Fat;

namespace Vmie.Guest.Tests.FileSystems.Fat;

/// <summary>Images made by mkfs.vfat and mcopy, read by <see cref="FatFileSystem"/> and cross-checked with mdir, mtype and the source tree.</summary>
public sealed class FatFileSystemTests
{
    public static TheoryData<string> Names => FatTestImages.Names;

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Type_label_and_serial_match_mdir(string name)
    {
        var image = FatTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        Assert.Equal("vfat", fs.Type);
        Assert.True(fs.IsCaseInsensitive);
        Assert.Equal(FatTestImages.Configurations[name].Fat, fs.FatType.ToString());
        Assert.Equal(name.ToUpperInvariant()[..Math.Min(11, name.Length)], fs.Label);
        var info = FatTestImages.Mtools("mdir", "-i", image, "::").Split('\n');
        var serial = info.Single(line => line.Contains("Serial Number is", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal(serial, fs.Uuid);
        Assert.Matches("^[0-9A-F]{4}-[0-9A-F]{4}$", fs.Uuid);
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_path_lists_as_mdir_lists_it(string name)
    {
        var image = FatTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var ours = new List<string>();
        await WalkAsync(fs, fs.Root, "::/", ours);
        var theirs = FatTestImages.Mtools("mdir", "-/", "-b", "-i", image, "::").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
        Assert.Contains("::/EFI/BOOT/BOOTX64.EFI", ours);
        Assert.Contains("::/lower.txt", ours);
        Assert.Contains("::/" + FatTestImages.UnicodeName, ours);
        Assert.Equal(FatTestImages.ManyCount, ours.Count(path => path.StartsWith("::/many/", StringComparison.Ordinal) && path != "::/many/"));
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_file_reads_as_its_source(string name)
    {
        var image = FatTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        var files = 0;
        foreach (var path in Directory.EnumerateFiles(FatTestImages.SourceTree, "*", SearchOption.AllDirectories))
        {
            var guestPath = "/" + Path.GetRelativePath(FatTestImages.SourceTree, path).Replace('\\', '/');
            var node = await guest.FindAsync(guestPath);
            Assert.NotNull(node);
            Assert.Equal(GuestNodeKind.File, node.Kind);
            var expected = await File.ReadAllBytesAsync(path);
            Assert.Equal(expected.Length, node.Size);
            Assert.Equal(expected, await guest.ReadAllBytesAsync(guestPath, maxBytes: 1 << 20));
            files++;
        }

        Assert.True(files > FatTestImages.ManyCount);
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task The_boot_loader_reads_as_mtype_prints_it_and_at_odd_offsets(string name)
    {
        var image = FatTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        var node = await guest.FindAsync("/EFI/BOOT/BOOTX64.EFI");
        Assert.NotNull(node);
        var copy = Path.Combine(Path.GetTempPath(), $"vmie-fat-{Guid.NewGuid():n}.efi");
        FatTestImages.Mtools("mcopy", "-n", "-i", image, "::/EFI/BOOT/BOOTX64.EFI", copy);
        var theirs = await File.ReadAllBytesAsync(copy);
        File.Delete(copy);

        // Reads that start inside a cluster and end inside another, and one past the end.
        var buffer = new byte[7777];
        foreach (var offset in (long[])[0, 1, 511, 4095, 100_001, theirs.Length - 100])
        {
            var read = await fs.ReadAsync(node, offset, buffer);
            var expected = (int)Math.Min(buffer.Length, theirs.Length - offset);
            Assert.Equal(expected, read);
            Assert.Equal(theirs.AsSpan((int)offset, expected).ToArray(), buffer.AsSpan(0, read).ToArray());
        }

        Assert.Equal(0, await fs.ReadAsync(node, theirs.Length, buffer));
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Names_match_without_case_and_by_their_short_form(string name)
    {
        var image = FatTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        Assert.NotNull(await guest.FindAsync("/efi/boot/bootx64.efi"));
        Assert.Equal("upper\n", await guest.ReadAllTextAsync("/upper.txt"));
        Assert.Equal("mixed\n", await guest.ReadAllTextAsync("/MIXED.TXT"));

        var entries = await fs.ListAsync(fs.Root).ToListAsync();
        var longOne = (FatNode)entries.Single(e => e.Name == "A Rather Long File Name With Spaces.text").Node;
        Assert.Equal("ARATHE~1.TEX", longOne.ShortName);
        Assert.Equal("long\n", await guest.ReadAllTextAsync("/" + longOne.ShortName));

        // mcopy stores an all-lower 8.3 name with the NT case bits; mdir and we show it lower case.
        var lower = (FatNode)entries.Single(e => e.Name == "lower.txt").Node;
        Assert.Equal("lower.txt", lower.ShortName);
        Assert.Contains(entries, e => e.Name == "Empty Dir" && e.Node.Kind == GuestNodeKind.Directory);
        Assert.Empty(await guest.ListAsync("/Empty Dir").ToListAsync());
        Assert.NotNull(await guest.FindAsync("/level01/level02/level03/level04/level05/level06/level07/level08/level09/level10/level11/level12/leaf.txt"));
        Assert.Null(await guest.FindAsync("/no/such/file"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await fs.ReadLinkAsync(longOne));
    }

    private static async Task WalkAsync(FatFileSystem fs, GuestNode directory, string path, List<string> paths)
    {
        await foreach (var entry in fs.ListAsync(directory))
        {
            var child = path + entry.Name;
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                paths.Add(child + "/");
                await WalkAsync(fs, entry.Node, child + "/", paths);
            }
            else
            {
                paths.Add(child);
            }
        }
    }
}
