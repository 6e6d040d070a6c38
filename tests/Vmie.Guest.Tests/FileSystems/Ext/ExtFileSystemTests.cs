using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Ext;

namespace Vmie.Guest.Tests.FileSystems.Ext;

/// <summary>Images made by mkfs.ext4 -d, read by <see cref="ExtFileSystem"/> and cross-checked with debugfs and the source tree.</summary>
public sealed class ExtFileSystemTests
{
    public static TheoryData<string> Names => ExtTestImages.Names;

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Type_label_and_uuid_match_the_superblock(string name)
    {
        var image = ExtTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        Assert.Equal(ExtTestImages.Configurations[name].Type, fs.Type);
        Assert.Equal(name, fs.Label);
        var stats = Encoding.UTF8.GetString(ExtTestImages.Debugfs(image, "stats"));
        var uuid = stats.Split('\n').Single(line => line.StartsWith("Filesystem UUID:", StringComparison.Ordinal))["Filesystem UUID:".Length..].Trim();
        Assert.Equal(uuid, fs.Uuid);
        Assert.False(fs.NeedsRecovery);
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_directory_lists_as_debugfs_lists_it(string name)
    {
        var image = ExtTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var ours = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await WalkAsync(fs, fs.Root, "/", ours);
        Assert.Equal(ExtTestImages.ManyCount, ours["/many"].Count);
        Assert.True(ours.Count > 20);

        var directories = ours.Keys.ToList();
        var outputs = ExtTestImages.DebugfsBatch(image, directories.Select(d => $"ls -p \"{d}\""));
        Assert.Equal(directories.Count, outputs.Count);
        for (var i = 0; i < directories.Count; i++)
        {
            var theirs = outputs[i].Split('\n').Skip(1).Where(line => line.StartsWith('/')).Select(ParseDebugfsLine).OfType<string>().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(theirs, ours[directories[i]].Order(StringComparer.Ordinal).ToList());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_file_reads_as_its_source_and_every_link_as_its_target(string name)
    {
        var image = ExtTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        var files = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(ExtTestImages.SourceTree, "*", SearchOption.AllDirectories))
        {
            var guestPath = "/" + Path.GetRelativePath(ExtTestImages.SourceTree, path).Replace('\\', '/');
            var info = new FileInfo(path);
            var node = await guest.FindAsync(guestPath, followLastLink: false);
            Assert.NotNull(node);
            if (info.LinkTarget is { } target)
            {
                Assert.Equal(GuestNodeKind.Symlink, node.Kind);
                Assert.Equal(target, await fs.ReadLinkAsync(node));
            }
            else if (!info.Attributes.HasFlag(FileAttributes.Directory))
            {
                Assert.Equal(GuestNodeKind.File, node.Kind);
                Assert.Equal(info.Length, node.Size);
                await AssertSameContentAsync(path, guest.OpenRead(node), guestPath);
                files++;
            }
        }

        Assert.True(files > ExtTestImages.ManyCount);
    }

    [SkippableTheory]
    [InlineData("ext2-1k", "/sparse")]
    [InlineData("ext3-1k", "/mib")]
    [InlineData("ext4-4k", "/mib")]
    [InlineData("ext4-inline", "/f4095")]
    [InlineData("ext4-noextent", "/f50k")]
    [InlineData("ext4-4k", "/" + ExtTestImages.UnicodeName)]
    public async Task Files_read_as_debugfs_cat_reads_them(string name, string path)
    {
        var image = ExtTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var node = await new GuestFiles(fs).FindAsync(path);
        var ours = new byte[node!.Size];
        Assert.Equal(ours.Length, await fs.ReadAsync(node, 0, ours));
        Assert.Equal(ExtTestImages.Debugfs(image, $"cat \"{path}\""), ours);
    }

    [SkippableFact]
    public async Task Paths_and_links_resolve_from_the_guest_root()
    {
        await using var source = FileBlockSource.Open(ExtTestImages.Image("ext4-4k"));
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        Assert.Equal("ID=debian\nVERSION_ID=\"12\"\n", await guest.ReadAllTextAsync("/absolute-link"));
        Assert.Equal("deep leaf\n", await guest.ReadAllTextAsync("/slow-link"));
        Assert.Equal("x", await guest.ReadAllTextAsync("/fast-link"));
        Assert.Equal("deep leaf\n", await guest.ReadAllTextAsync("/dir-link/d02/../d02/d03/d04/d05/d06/d07/d08/d09/d10/d11/d12/d13/d14/d15/leaf.txt"));
        Assert.Null(await guest.FindAsync("/dangling-link"));
        Assert.Equal("4999\n", await guest.ReadAllTextAsync("/many/entry-with-a-longish-name-04999"));
        Assert.Null(await guest.FindAsync("/many/entry-with-a-longish-name-05000"));
        var root = await fs.LookupAsync(fs.Root, "etc");
        Assert.Equal(GuestNodeKind.Directory, root!.Kind);
        Assert.Equal(0x41EDu, root.Mode);
    }

    [SkippableTheory]
    [InlineData("ext4-4k", "/many", 0x1000u)]
    [InlineData("ext2-1k", "/many", 0x1000u)]
    [InlineData("ext4-inline", "/etc/os-release", 0x10000000u)]
    [InlineData("ext4-inline", "/slow-link", 0x10000000u)]
    [InlineData("ext4-inline", "/etc", 0x10000000u)]
    [InlineData("ext4-4k", "/mib", 0x80000u)]
    public void The_images_exercise_htree_inline_data_and_extents(string name, string path, uint flag)
    {
        // Proves the cross-checks above ran over the structure named: an htree index, inline data, extents.
        var stat = Encoding.UTF8.GetString(ExtTestImages.Debugfs(ExtTestImages.Image(name), $"stat {path}"));
        var flags = uint.Parse(stat.Split("Flags: 0x")[1].Split(' ', '\n')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.NotEqual(0u, flags & flag);
    }

    [SkippableFact]
    public async Task An_uninitialised_extent_reads_as_zeros()
    {
        var image = ExtTestImages.Copy("ext4-4k", "uninit");
        var inodeOffset = InodeOffset(image, "/mib");
        var bytes = await File.ReadAllBytesAsync(image);
        var header = bytes.AsSpan((int)inodeOffset + 0x28);
        Assert.Equal(0xF30A, BinaryPrimitives.ReadUInt16LittleEndian(header));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(header[6..]));
        var length = BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        BinaryPrimitives.WriteUInt16LittleEndian(header[16..], (ushort)(length + 32768));
        await File.WriteAllBytesAsync(image, bytes);

        await using var source = FileBlockSource.Open(image);
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var node = await fs.LookupAsync(fs.Root, "mib");
        var data = new byte[node!.Size];
        Assert.Equal(data.Length, await fs.ReadAsync(node, 0, data));
        Assert.DoesNotContain(data, b => b != 0);
    }

    [SkippableFact]
    public async Task Reads_at_any_offset_and_length_match_the_source()
    {
        await using var source = FileBlockSource.Open(ExtTestImages.Image("ext2-1k"));
        await using var fs = await ExtFileSystem.OpenAsync(source);
        var expected = await File.ReadAllBytesAsync(Path.Combine(ExtTestImages.SourceTree, "mib"));
        var node = await fs.LookupAsync(fs.Root, "mib");
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var offset = random.Next(expected.Length + 10);
            var buffer = new byte[random.Next(1, 70_000)];
            var read = await fs.ReadAsync(node!, offset, buffer);
            var wanted = Math.Clamp(expected.Length - offset, 0, buffer.Length);
            Assert.Equal(wanted, read);
            Assert.True(expected.AsSpan(Math.Min(offset, expected.Length), wanted).SequenceEqual(buffer.AsSpan(0, read)));
        }
    }

    internal static long InodeOffset(string image, string path)
    {
        // "Inode 12 is part of block group 0\n\tlocated at block 1234, offset 0x0b00"
        var text = Encoding.UTF8.GetString(ExtTestImages.Debugfs(image, $"imap \"{path}\""));
        var block = long.Parse(text.Split("located at block ")[1].Split(',')[0], CultureInfo.InvariantCulture);
        var offset = Convert.ToInt64(text.Split("offset 0x")[1].Trim(), 16);
        var blockSize = int.Parse(Encoding.UTF8.GetString(ExtTestImages.Debugfs(image, "stats")).Split("Block size:")[1].Split('\n')[0].Trim(), CultureInfo.InvariantCulture);
        return (block * blockSize) + offset;
    }

    private static string? ParseDebugfsLine(string line)
    {
        // /inode/mode/uid/gid/name/size/ — names cannot hold '/', so the fields split cleanly; inode 0 is unused space.
        var fields = line.Split('/');
        var name = fields[5];
        if (name is "." or ".." || fields[1] == "0")
        {
            return null;
        }

        var mode = Convert.ToUInt32(fields[2], 8);
        var size = (mode & 0xF000) == 0x8000 ? fields[6] : "-";
        return $"{name} {Convert.ToString(mode, 8)} {size}";
    }

    private static async Task WalkAsync(ExtFileSystem fs, GuestNode directory, string path, Dictionary<string, List<string>> listings)
    {
        var entries = new List<string>();
        listings[path] = entries;
        await foreach (var entry in fs.ListAsync(directory))
        {
            var size = entry.Node.Kind == GuestNodeKind.File ? entry.Node.Size.ToString(CultureInfo.InvariantCulture) : "-";
            entries.Add($"{entry.Name} {Convert.ToString(entry.Node.Mode!.Value, 8)} {size}");
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                await WalkAsync(fs, entry.Node, path.TrimEnd('/') + "/" + entry.Name, listings);
            }
        }
    }

    private static async Task AssertSameContentAsync(string sourcePath, Stream guest, string guestPath)
    {
        await using var expected = File.OpenRead(sourcePath);
        await using var actual = guest;
        var a = new byte[1 << 20];
        var b = new byte[1 << 20];
        while (true)
        {
            var n = await expected.ReadAtLeastAsync(a, a.Length, throwOnEndOfStream: false);
            var m = await actual.ReadAtLeastAsync(b, b.Length, throwOnEndOfStream: false);
            Assert.True(n == m, $"{guestPath}: {m} bytes read where {n} were expected.");
            Assert.True(a.AsSpan(0, n).SequenceEqual(b.AsSpan(0, m)), $"{guestPath}: content differs.");
            if (n == 0)
            {
                return;
            }
        }
    }
}
