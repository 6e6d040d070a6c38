using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Btrfs;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Btrfs;

/// <summary>Images made by mkfs.btrfs --rootdir and btrfs-convert, read by <see cref="BtrfsFileSystem"/> and cross-checked with dump-tree and the source tree.</summary>
public sealed class BtrfsFileSystemTests
{
    public static TheoryData<string> Names => BtrfsTestImages.Names;

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Type_label_uuid_and_checksum_match_the_superblock(string name)
    {
        var image = BtrfsTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        Assert.Equal("btrfs", fs.Type);
        Assert.Equal(name, fs.Label);
        var super = ExternalTool.Run("btrfs", "btrfs-progs", "inspect-internal", "dump-super", image).Split('\n');
        Assert.Equal(Field(super, "fsid"), fs.Uuid);
        var checksum = Field(super, "csum_type").Split(' ')[1].Trim('(', ')');
        Assert.Equal(checksum == "blake2" ? "blake2b" : checksum, fs.ChecksumType);
        Assert.Equal(checksum != "blake2", fs.MetadataChecksumsVerified);
        Assert.Equal(BtrfsFileSystem.TopLevelSubvolumeId, fs.DefaultSubvolumeId);
        Assert.Empty(fs.Subvolumes);
        Assert.False(fs.HasUnreplayedLog);
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_directory_lists_as_dump_tree_shows_it(string name)
    {
        var image = BtrfsTestImages.Image(name);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        var ours = new List<(ulong, string)>();
        await WalkAsync(fs, (BtrfsNode)fs.Root, ours);
        var theirs = BtrfsTestImages.DirIndexEntries(BtrfsTestImages.DumpTree(image, "5"));
        Assert.True(ours.Count > BtrfsTestImages.ManyCount);
        Assert.Equal(theirs.Order().ToList(), ours.Order().ToList());
    }

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task Every_file_reads_as_its_source_and_every_link_as_its_target(string name)
    {
        await using var source = FileBlockSource.Open(BtrfsTestImages.Image(name));
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        Assert.True(await AssertMatchesSourceAsync(fs, "") > BtrfsTestImages.ManyCount);
    }

    [SkippableFact]
    public async Task Paths_and_links_resolve_from_the_guest_root()
    {
        await using var source = FileBlockSource.Open(BtrfsTestImages.Image("default"));
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        Assert.Equal("ID=debian\nVERSION_ID=\"12\"\n", await guest.ReadAllTextAsync("/absolute-link"));
        Assert.Equal("deep leaf\n", await guest.ReadAllTextAsync("/long-link"));
        Assert.Equal("x", await guest.ReadAllTextAsync("/short-link"));
        Assert.Equal("deep leaf\n", await guest.ReadAllTextAsync("/dir-link/d02/../d02/d03/d04/d05/d06/d07/d08/d09/d10/leaf.txt"));
        Assert.Null(await guest.FindAsync("/dangling-link"));
        Assert.Equal("2999\n", await guest.ReadAllTextAsync("/many/entry-with-a-longish-name-02999"));
        Assert.Null(await guest.FindAsync("/many/entry-with-a-longish-name-03000"));
        var etc = await fs.LookupAsync(fs.Root, "etc");
        Assert.Equal(GuestNodeKind.Directory, etc!.Kind);
        Assert.Equal(0x41EDu, etc.Mode);
    }

    [SkippableFact]
    public async Task Reads_at_any_offset_and_length_match_the_source()
    {
        await using var source = FileBlockSource.Open(BtrfsTestImages.Image("explicit-holes"));
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        foreach (var file in new[] { "sparse", "mib", "f9m" })
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(BtrfsTestImages.SourceTree, file));
            var node = await guest.FindAsync("/" + file);
            var random = new Random(file.Length);
            for (var i = 0; i < 50; i++)
            {
                var offset = random.Next(expected.Length);
                var buffer = new byte[random.Next(1, 300_000)];
                var read = await fs.ReadAsync(node!, offset, buffer);
                Assert.Equal(Math.Min(buffer.Length, expected.Length - offset), read);
                Assert.True(expected.AsSpan(offset, read).SequenceEqual(buffer.AsSpan(0, read)), $"{file} at {offset}+{read}");
            }

            Assert.Equal(0, await fs.ReadAsync(node!, expected.Length, new byte[10]));
        }
    }

    [SkippableFact]
    public async Task A_converted_ext4_shows_its_ext2_saved_subvolume_and_reads_into_it()
    {
        await using var source = FileBlockSource.Open(BtrfsTestImages.ConvertedImage());
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        var subvolume = Assert.Single(fs.Subvolumes);
        Assert.Equal(new BtrfsSubvolume(256, 5, "ext2_saved"), subvolume);
        var saved = (BtrfsNode?)await fs.LookupAsync(fs.Root, "ext2_saved");
        Assert.Equal(GuestNodeKind.Directory, saved!.Kind);
        Assert.Equal(256ul, saved.SubvolumeId);
        var image = await fs.LookupAsync(saved, "image");
        Assert.Equal(160L << 20, image!.Size);
        Assert.Contains(await fs.ListAsync(saved).ToListAsync(), entry => entry.Name == "image");
        Assert.True(await AssertMatchesSourceAsync(fs, "") > BtrfsTestImages.ManyCount);

        // The saved ext4 image reads as the original: its superblock magic at 1080.
        var magic = new byte[2];
        await fs.ReadAsync(image, 1080, magic);
        Assert.Equal(new byte[] { 0x53, 0xEF }, magic);
    }

    [SkippableFact]
    public async Task A_default_subvolume_becomes_the_root()
    {
        var image = BtrfsTestImages.Copy("converted", "default-256");
        var (leaf, offset, _) = BtrfsTestImages.FindItem(BtrfsTestImages.DumpTree(image, "1"), @"^ROOT_TREE_DIR DIR_ITEM \d+$");
        await BtrfsTestImages.PatchTreeBlockAsync(image, leaf, block => BitConverter.TryWriteBytes(block.AsSpan(101 + offset), 256ul));
        await using var source = FileBlockSource.Open(image);
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        Assert.Equal(256ul, fs.DefaultSubvolumeId);
        Assert.Equal(256ul, ((BtrfsNode)fs.Root).SubvolumeId);
        Assert.Equal(["image"], (await fs.ListAsync(fs.Root).ToListAsync()).Select(e => e.Name));
    }

    [SkippableFact]
    public async Task A_zlib_extent_is_decompressed()
    {
        var image = BtrfsTestImages.Copy("default", "zlib");
        var expected = BtrfsTestImages.Compressible();
        await CompressAsync(image, 1, expected);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        var guest = new GuestFiles(fs);
        Assert.Equal(expected, await guest.ReadAllBytesAsync("/compressible"));
        var node = await guest.FindAsync("/compressible");
        var middle = new byte[1000];
        Assert.Equal(1000, await fs.ReadAsync(node!, 30_000, middle));
        Assert.Equal(expected.AsSpan(30_000, 1000).ToArray(), middle);
    }

    [SkippableTheory]
    [InlineData(2, "lzo")]
    [InlineData(3, "zstd")]
    public async Task Lzo_and_zstd_extents_are_refused_by_name(byte method, string name)
    {
        var image = BtrfsTestImages.Copy("default", name);
        await CompressAsync(image, method, null);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await BtrfsFileSystem.OpenAsync(source);
        var error = await Assert.ThrowsAsync<BtrfsNotSupportedException>(async () => await new GuestFiles(fs).ReadAllBytesAsync("/compressible"));
        Assert.Contains($"compressed with {name}; vmie cannot read it yet", error.Message, StringComparison.Ordinal);
    }

    internal static async Task<int> AssertMatchesSourceAsync(BtrfsFileSystem fs, string prefix)
    {
        var guest = new GuestFiles(fs);
        var files = 0;
        foreach (var path in Directory.EnumerateFileSystemEntries(BtrfsTestImages.SourceTree, "*", SearchOption.AllDirectories))
        {
            var guestPath = prefix + "/" + Path.GetRelativePath(BtrfsTestImages.SourceTree, path);
            var info = new FileInfo(path);
            var node = await guest.FindAsync(guestPath, followLastLink: false);
            Assert.True(node is not null, guestPath);
            if (info.LinkTarget is { } target)
            {
                Assert.Equal(GuestNodeKind.Symlink, node.Kind);
                Assert.Equal(target, await fs.ReadLinkAsync(node));
            }
            else if (!info.Attributes.HasFlag(FileAttributes.Directory))
            {
                Assert.Equal(GuestNodeKind.File, node.Kind);
                Assert.Equal(info.Length, node.Size);
                await using var stream = guest.OpenRead(node);
                using var ours = new MemoryStream();
                await stream.CopyToAsync(ours, 1 << 20);
                Assert.True((await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(ours.ToArray()), guestPath);
                files++;
            }
            else
            {
                Assert.Equal(GuestNodeKind.Directory, node.Kind);
            }
        }

        return files;
    }

    /// <summary>Marks /compressible's extent as compressed with <paramref name="method"/>, writing its zlib form when given the content.</summary>
    private static async Task CompressAsync(string image, byte method, byte[]? content)
    {
        ulong inode;
        await using (var source = FileBlockSource.Open(image))
        {
            await using var fs = await BtrfsFileSystem.OpenAsync(source);
            inode = ((BtrfsNode)(await fs.LookupAsync(fs.Root, "compressible"))!).InodeNumber;
        }

        var (leaf, offset, size) = BtrfsTestImages.FindItem(BtrfsTestImages.DumpTree(image, "5"), $"^{inode} EXTENT_DATA 0$");
        Assert.Equal(53, size);
        ulong diskBytenr = 0;
        await BtrfsTestImages.PatchTreeBlockAsync(image, leaf, block =>
        {
            var item = block.AsSpan(101 + offset);
            Assert.Equal(1, item[20]);
            item[16] = method;
            diskBytenr = BitConverter.ToUInt64(item[21..]);
        });
        if (content is not null)
        {
            using var compressed = new MemoryStream();
            using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(content);
            }

            await WriteLogicalAsync(image, diskBytenr, compressed.ToArray());
        }
    }

    private static async Task WriteLogicalAsync(string image, ulong logical, byte[] data)
    {
        long physical;
        await using (var source = FileBlockSource.Open(image))
        {
            await using var fs = await BtrfsFileSystem.OpenAsync(source);
            physical = fs.MapLogical(logical).Physical;
        }

        using var file = new FileStream(image, FileMode.Open, FileAccess.Write);
        file.Position = physical;
        file.Write(data);
    }

    private static string Field(string[] lines, string name) =>
        lines.First(line => line.StartsWith(name + "\t", StringComparison.Ordinal))[name.Length..].Trim();

    private static async Task WalkAsync(BtrfsFileSystem fs, BtrfsNode directory, List<(ulong, string)> entries)
    {
        await foreach (var entry in fs.ListAsync(directory))
        {
            entries.Add((directory.InodeNumber, entry.Name));
            if (entry.Node.Kind == GuestNodeKind.Directory)
            {
                await WalkAsync(fs, (BtrfsNode)entry.Node, entries);
            }
        }
    }
}
