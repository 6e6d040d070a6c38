using System.Buffers.Binary;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Xfs;

namespace Vmie.Guest.Tests.FileSystems.Xfs;

/// <summary>Images made by mkfs.xfs -p, read by <see cref="XfsFileSystem"/> and cross-checked with xfs_db and the source tree.</summary>
public sealed class XfsFileSystemTests
{
    public static TheoryData<string> Names => XfsTestImages.Names;

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Type_label_and_uuid_match_the_superblock(string name)
    {
        var image = XfsTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await XfsFileSystem.OpenAsync(source);
        Assert.Equal("xfs", fs.Type);
        Assert.Equal(name, fs.Label);
        Assert.Equal(name.StartsWith("v5", StringComparison.Ordinal) ? 5 : 4, fs.Version);
        var uuid = XfsTestImages.XfsDb(image, "uuid").Split('=')[1].Trim();
        Assert.Equal(uuid, fs.Uuid);
        Assert.False(fs.IsCaseInsensitive);
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_directory_lists_as_xfs_db_lists_it(string name)
    {
        var image = XfsTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await XfsFileSystem.OpenAsync(source);
        var ours = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await WalkAsync(fs, fs.Root, "/", ours);
        foreach (var (directory, count) in XfsTestImages.Directories)
        {
            Assert.Equal(count, ours["/" + directory].Count);
        }

        if (name == "v4")
        {
            ours = ours.ToDictionary(pair => pair.Key, pair => pair.Value.Select(entry => entry[..entry.LastIndexOf(' ')]).ToList(), StringComparer.Ordinal);
        }

        var directories = ours.Keys.ToList();
        var output = XfsTestImages.XfsDb(image, [.. directories.Select(d => $"ls {d}")]);
        var theirs = ParseXfsDbListings(output);
        Assert.Equal(directories.Order(StringComparer.Ordinal), theirs.Keys.Order(StringComparer.Ordinal));
        foreach (var directory in directories)
        {
            Assert.Equal(theirs[directory].Order(StringComparer.Ordinal), ours[directory].Order(StringComparer.Ordinal));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_file_reads_as_its_source_and_every_link_as_its_target(string name)
    {
        await using var source = FileBlockSource.Open(XfsTestImages.Image(name));
        await using var fs = await XfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        var seen = 0;
        await foreach (var (path, node) in EnumerateAsync(fs, fs.Root, ""))
        {
            var host = Path.Combine(XfsTestImages.SourceTree, path.TrimStart('/'));
            var info = new FileInfo(host);
            seen++;
            if (info.LinkTarget is { } target)
            {
                Assert.Equal(GuestNodeKind.Symlink, node.Kind);
                Assert.Equal(target, await fs.ReadLinkAsync(node));
            }
            else if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                Assert.Equal(GuestNodeKind.Directory, node.Kind);
            }
            else
            {
                Assert.Equal(GuestNodeKind.File, node.Kind);
                Assert.Equal(info.Length, node.Size);
                var data = new byte[node.Size];
                Assert.Equal(data.Length, await fs.ReadAsync(node, 0, data));
                var expected = await File.ReadAllBytesAsync(host);
                Assert.True(data.AsSpan().SequenceEqual(expected), $"{path}: content differs.");
            }
        }

        Assert.Equal(CountWithoutFollowingLinks(XfsTestImages.SourceTree), seen);
        Assert.Equal("deep leaf\n", await guest.ReadAllTextAsync("/long-link"));
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Paths_and_links_resolve_from_the_guest_root(string name)
    {
        await using var source = FileBlockSource.Open(XfsTestImages.Image(name));
        await using var fs = await XfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        Assert.Equal("ID=rhel\nVERSION_ID=\"9.4\"\n", await guest.ReadAllTextAsync("/absolute-link"));
        Assert.Equal("x", await guest.ReadAllTextAsync("/short-link"));
        Assert.Equal("unicode\n", await guest.ReadAllTextAsync("/" + XfsTestImages.UnicodeName));
        Assert.Equal("deep leaf\n", await guest.ReadAllTextAsync("/dir-link/d02/../d02/d03/" + string.Join('/', Enumerable.Range(4, 87).Select(i => $"d{i:D2}")) + "/leaf.txt"));
        Assert.Null(await guest.FindAsync("/dangling-link"));
        foreach (var (directory, count) in XfsTestImages.Directories)
        {
            var last = (count - 1) / 997 * 997;
            Assert.Equal($"{last}\n", await guest.ReadAllTextAsync($"/{directory}/entry-with-a-longish-name-{last:D5}"));
            Assert.NotNull(await guest.FindAsync($"/{directory}/entry-with-a-longish-name-{count - 1:D5}"));
            Assert.Null(await guest.FindAsync($"/{directory}/entry-with-a-longish-name-{count:D5}"));
        }

        var etc = await fs.LookupAsync(fs.Root, "etc");
        Assert.Equal(GuestNodeKind.Directory, etc!.Kind);
        Assert.Equal(0x41EDu, etc.Mode);
        Assert.NotNull(etc.ModifiedTime);
    }

    [SkippableTheory]
    [InlineData("v5", "/d5", "local", null)]
    [InlineData("v5", "/d40", "extents", "XDB3")]
    [InlineData("v5", "/d100", "extents", "XDD3")]
    [InlineData("v5", "/d2000", "extents", "XDD3")]
    [InlineData("v5", "/d50000", "btree", "XDD3")]
    [InlineData("v4", "/d40", "extents", "XD2B")]
    [InlineData("v4", "/d50000", "btree", "XD2D")]
    [InlineData("v5", "/long-link", "extents", null)]
    [InlineData("v5", "/short-link", "local", null)]
    public void The_images_exercise_every_directory_and_fork_form(string name, string path, string format, string? magic)
    {
        // Proves the cross-checks above ran over the structure named: short form, block, leaf and node directories, B+tree forks.
        var image = XfsTestImages.Image(name);
        var inode = XfsTestImages.XfsDb(image, $"path {path}", "print core.format");
        Assert.Contains($"({format})", inode, StringComparison.Ordinal);
        if (magic is not null)
        {
            Assert.Contains(magic, XfsTestImages.XfsDb(image, $"path {path}", "dblock 0", "type text", "print"), StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [InlineData("/d100", "XD2L")]
    [InlineData("/d2000", "XD2N")]
    public void Leaf_and_node_directories_are_what_they_claim(string path, string leafMagic)
    {
        // The leaf block at 32 GiB tells a leaf directory (one leaf block) from a node directory (a da-btree node).
        var image = XfsTestImages.Image("v4");
        var bmap = XfsTestImages.XfsDb(image, $"path {path}", "bmap");
        var leafLine = bmap.Split('\n').First(line => line.Contains("data offset 8388608 ", StringComparison.Ordinal));
        var block = leafLine.Split("startblock ")[1].Split(' ')[0];
        var firstLine = XfsTestImages.XfsDb(image, $"fsblock {block}", "type text", "print").Split('\n')[0];
        Assert.Contains(leafMagic == "XD2L" ? "d2 f1" : "fe be", firstLine, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Holes_and_unwritten_extents_read_as_zeros()
    {
        // mkfs -p writes every file as one extent; rewrite /mib's extent list by hand into data, a hole, an
        // unwritten extent and data again, re-checksum the inode, and let xfs_db confirm the map it reads.
        var image = XfsTestImages.Copy("v5", "holes");
        await using (var source = FileBlockSource.Open(image))
        await using (var fs = await XfsFileSystem.OpenAsync(source))
        {
            var node = (XfsNode)(await fs.LookupAsync(fs.Root, "mib"))!;
            await source.DisposeAsync();
            var offset = await XfsImagePatches.InodeOffsetAsync(image, node.InodeNumber);
            XfsImagePatches.Edit(image, offset, 512, inode =>
            {
                var fork = inode[176..];
                var first = ReadExtent(fork);
                Assert.Equal(256ul, first.Count);
                WriteExtent(fork, 0, first.Start, 64, false);
                WriteExtent(fork[16..], 128, first.Start + 128, 64, true);
                WriteExtent(fork[32..], 192, first.Start + 192, 64, false);
                BinaryPrimitives.WriteUInt32BigEndian(inode[0x4C..], 3);
                XfsImagePatches.Checksum(inode, 0x64);
            });
        }

        var bmap = XfsTestImages.XfsDb(image, "path /mib", "bmap");
        Assert.Contains("data offset 128 startblock", bmap, StringComparison.Ordinal);
        Assert.Contains("count 64 flag 1", bmap, StringComparison.Ordinal);
        Assert.DoesNotContain("data offset 64 ", bmap, StringComparison.Ordinal);

        await using var reopened = FileBlockSource.Open(image);
        await using var xfs = await XfsFileSystem.OpenAsync(reopened);
        var mib = await xfs.LookupAsync(xfs.Root, "mib");
        var expected = await File.ReadAllBytesAsync(Path.Combine(XfsTestImages.SourceTree, "mib"));
        expected.AsSpan(64 * 4096, 128 * 4096).Clear();
        var random = new Random(11);
        for (var i = 0; i < 100; i++)
        {
            var at = random.Next(expected.Length + 10);
            var buffer = new byte[random.Next(1, 600_000)];
            var read = await xfs.ReadAsync(mib!, at, buffer);
            var wanted = Math.Clamp(expected.Length - at, 0, buffer.Length);
            Assert.Equal(wanted, read);
            Assert.True(expected.AsSpan(Math.Min(at, expected.Length), wanted).SequenceEqual(buffer.AsSpan(0, read)));
        }
    }

    internal static Dictionary<string, List<string>> ParseXfsDbListings(string output)
    {
        // "/path:" then "cookie inode type hash namelen name (good)" per entry.
        var listings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.EndsWith(':'))
            {
                current = listings[line[..^1]] = [];
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (current is null || fields.Length < 7 || fields[5] is "." or "..")
            {
                continue;
            }

            var type = fields[2] switch
            {
                "regular" => "File",
                "directory" => "Directory",
                "symlink" => "Symlink",
                "unknown" => null, // no ftype: xfs_db does not read the inode
                _ => "Other",
            };
            current.Add(type is null ? $"{fields[5]} {fields[1]}" : $"{fields[5]} {fields[1]} {type}");
        }

        return listings;
    }

    private static int CountWithoutFollowingLinks(string directory) =>
        Directory.EnumerateFileSystemEntries(directory).Sum(path =>
            1 + (new FileInfo(path) is { LinkTarget: null, Attributes: var attributes } && attributes.HasFlag(FileAttributes.Directory) ? CountWithoutFollowingLinks(path) : 0));

    private static (ulong Start, ulong Count) ReadExtent(ReadOnlySpan<byte> record)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(record);
        var low = BinaryPrimitives.ReadUInt64BigEndian(record[8..]);
        return (((high & 0x1FF) << 43) | (low >> 21), low & 0x1FFFFF);
    }

    private static void WriteExtent(Span<byte> record, ulong fileOffset, ulong start, ulong count, bool unwritten)
    {
        BinaryPrimitives.WriteUInt64BigEndian(record, (unwritten ? 1UL << 63 : 0) | (fileOffset << 9) | (start >> 43));
        BinaryPrimitives.WriteUInt64BigEndian(record[8..], (start << 21) | count);
    }

    private static async Task WalkAsync(XfsFileSystem fs, GuestNode directory, string path, Dictionary<string, List<string>> listings)
    {
        var entries = new List<string>();
        listings[path] = entries;
        await foreach (var entry in fs.ListAsync(directory))
        {
            entries.Add($"{entry.Name} {((XfsNode)entry.Node).InodeNumber} {entry.Node.Kind}");
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                await WalkAsync(fs, entry.Node, path.TrimEnd('/') + "/" + entry.Name, listings);
            }
        }
    }

    private static async IAsyncEnumerable<(string Path, GuestNode Node)> EnumerateAsync(XfsFileSystem fs, GuestNode directory, string path)
    {
        await foreach (var entry in fs.ListAsync(directory))
        {
            var child = path + "/" + entry.Name;
            yield return (child, entry.Node);
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                await foreach (var inner in EnumerateAsync(fs, entry.Node, child))
                {
                    yield return inner;
                }
            }
        }
    }
}
