using System.Buffers.Binary;
using System.Diagnostics;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Xfs;

namespace Vmie.Guest.Tests.FileSystems.Xfs;

/// <summary>Images damaged on purpose: each must fail fast with a clear exception, never hang or misread.</summary>
public sealed class XfsDamagedVolumeTests
{
    [SkippableTheory]
    [InlineData("v4", "bad-magic", 0x00, 0x58465300u, 4)]
    [InlineData("v4", "ag-count-0", 0x58, 0u, 4)]
    [InlineData("v4", "ag-blocks-huge", 0x54, 0x7FFFFFFFu, 4)]
    [InlineData("v4", "block-size-3000", 0x04, 3000u, 4)]
    [InlineData("v4", "inode-size-100", 0x68, 100u, 2)]
    [InlineData("v4", "root-inode-out-of-range", 0x3C, 0xFFFFFFF0u, 4)]
    [InlineData("v5", "root-inode-out-of-range", 0x3C, 0xFFFFFFF0u, 4)]
    [InlineData("v5", "data-blocks-huge", 0x0C, 0xFFFFFFF0u, 4)]
    public async Task A_lying_superblock_is_refused(string name, string purpose, int field, uint value, int width)
    {
        var image = XfsTestImages.Copy(name, purpose);
        XfsImagePatches.Edit(image, 0, 512, sector =>
        {
            if (width == 4)
            {
                BinaryPrimitives.WriteUInt32BigEndian(sector[field..], value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(sector[field..], (ushort)value);
            }

            if (name == "v5")
            {
                XfsImagePatches.Checksum(sector, 0xE0);
            }
        });
        await AssertCorruptAsync(image, fs => Task.CompletedTask);
    }

    [SkippableFact]
    public async Task A_superblock_checksum_mismatch_is_refused()
    {
        var image = XfsTestImages.Copy("v5", "bad-checksum");
        XfsImagePatches.Edit(image, 0x6C, 1, label => label[0] ^= 0x20);
        var error = await AssertCorruptAsync(image, fs => Task.CompletedTask);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_truncated_image_is_refused()
    {
        var image = XfsTestImages.Copy("v5", "truncated");
        using (var file = File.OpenWrite(image))
        {
            file.SetLength(file.Length / 2);
        }

        var error = await AssertCorruptAsync(image, fs => Task.CompletedTask);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(0x80000000u)]
    [InlineData(0x40u)]
    public async Task Unknown_incompatible_features_are_refused_by_name(uint feature)
    {
        var image = XfsTestImages.Copy("v5", $"incompat-{feature:x}");
        XfsImagePatches.Edit(image, 0, 512, sector =>
        {
            BinaryPrimitives.WriteUInt32BigEndian(sector[0xD8..], BinaryPrimitives.ReadUInt32BigEndian(sector[0xD8..]) | feature);
            XfsImagePatches.Checksum(sector, 0xE0);
        });
        await using var source = FileBlockSource.Open(image);
        var error = await Assert.ThrowsAsync<XfsFeatureNotSupportedException>(async () => await XfsFileSystem.OpenAsync(source));
        Assert.Contains($"0x{feature:x}", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("v4")]
    [InlineData("v5")]
    public async Task A_directory_entry_naming_an_inode_outside_the_file_system_is_refused(string name)
    {
        // /d5 is short form: point its first entry's 4-byte inode number past the last AG.
        var image = XfsTestImages.Copy(name, "entry-out-of-range");
        var (offset, inodeSize) = await InodeOfAsync(image, "d5");
        var core = name == "v5" ? 176 : 100;
        XfsImagePatches.Edit(image, offset, inodeSize, inode =>
        {
            var fork = inode[core..];
            int nameLength = fork[6];
            var number = 6 + 3 + nameLength + (name == "v5" ? 1 : 0);
            BinaryPrimitives.WriteUInt32BigEndian(fork[number..], 0xFFFFFF00u);
            if (name == "v5")
            {
                XfsImagePatches.Checksum(inode, 0x64);
            }
        });
        var error = await AssertCorruptAsync(image, async fs =>
        {
            var d5 = await fs.LookupAsync(fs.Root, "d5");
            await foreach (var entry in fs.ListAsync(d5!))
            {
                _ = entry;
            }
        });
        Assert.Contains("outside", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("v4", 5)]
    [InlineData("v5", 5)]
    [InlineData("v5", 0)]
    public async Task A_looping_or_misleveled_extent_tree_is_refused(string name, int rootLevel)
    {
        // /d50000's data fork is a B+tree; a root that claims more levels than the blocks below it makes a
        // walk that would revisit blocks (a loop) or descend forever: it must stop at the first wrong level.
        var image = XfsTestImages.Copy(name, $"tree-level-{rootLevel}");
        var (offset, inodeSize) = await InodeOfAsync(image, "d50000");
        var core = name == "v5" ? 176 : 100;
        XfsImagePatches.Edit(image, offset, inodeSize, inode =>
        {
            Assert.Equal(3, inode[5]);
            BinaryPrimitives.WriteUInt16BigEndian(inode[core..], (ushort)rootLevel);
            if (name == "v5")
            {
                XfsImagePatches.Checksum(inode, 0x64);
            }
        });
        await AssertCorruptAsync(image, async fs =>
        {
            var directory = await fs.LookupAsync(fs.Root, "d50000");
            await foreach (var entry in fs.ListAsync(directory!))
            {
                _ = entry;
            }
        });
    }

    [SkippableFact]
    public async Task An_inode_checksum_mismatch_is_refused()
    {
        var image = XfsTestImages.Copy("v5", "inode-checksum");
        var (offset, _) = await InodeOfAsync(image, "etc");
        XfsImagePatches.Edit(image, offset + 0x38, 1, size => size[0] ^= 1);
        var error = await AssertCorruptAsync(image, fs => fs.LookupAsync(fs.Root, "etc").AsTask());
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_remote_link_block_without_its_header_is_refused()
    {
        // As mkfs.xfs 6.1 -p writes it on v5 (target bytes where the "XSLM" header belongs): the kernel refuses it too.
        var image = XfsTestImages.Copy("v5", "raw-remote-link");
        await using (var source = FileBlockSource.Open(image))
        await using (var fs = await XfsFileSystem.OpenAsync(source))
        {
            var link = await fs.LookupAsync(fs.Root, "long-link");
            Assert.Equal("deep/d01", (await fs.ReadLinkAsync(link!))[..8]);
        }

        var block = XfsTestImages.XfsDb(image, "path /long-link", "bmap").Split("startblock ")[1].Split(' ')[0];
        var offset = long.Parse(XfsTestImages.XfsDb(image, $"convert fsblock {block} byte").Split('(')[1].Split(')')[0], System.Globalization.CultureInfo.InvariantCulture);
        XfsImagePatches.Edit(image, offset, 4, magic => "deep"u8.CopyTo(magic));
        var error = await AssertCorruptAsync(image, async fs => await fs.ReadLinkAsync((await fs.LookupAsync(fs.Root, "long-link"))!));
        Assert.Contains("XSLM", error.Message, StringComparison.Ordinal);
    }

    private static async Task<(long Offset, int InodeSize)> InodeOfAsync(string image, string name)
    {
        await using var source = FileBlockSource.Open(image);
        await using var fs = await XfsFileSystem.OpenAsync(source);
        var node = (XfsNode)(await fs.LookupAsync(fs.Root, name))!;
        var inodeSize = fs.Version == 5 ? 512 : 512 / 2;
        return (await XfsImagePatches.InodeOffsetAsync(image, node.InodeNumber), inodeSize);
    }

    private static async Task<CorruptFileSystemException> AssertCorruptAsync(string image, Func<XfsFileSystem, Task> use)
    {
        var clock = Stopwatch.StartNew();
        await using var source = FileBlockSource.Open(image);
        var error = await Assert.ThrowsAsync<CorruptFileSystemException>(async () =>
        {
            await using var fs = await XfsFileSystem.OpenAsync(source);
            await use(fs);
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {clock.Elapsed}.");
        return error;
    }
}
