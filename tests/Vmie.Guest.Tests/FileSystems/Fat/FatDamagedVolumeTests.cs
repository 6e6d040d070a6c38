using System.Buffers.Binary;
using System.Diagnostics;
using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems;
using Vmie.Guest.FileSystems.Fat;

namespace Vmie.Guest.Tests.FileSystems.Fat;

/// <summary>Damaged FAT volumes give <see cref="CorruptFileSystemException"/>, fast.</summary>
public sealed class FatDamagedVolumeTests
{
    [SkippableTheory]
    [InlineData("fat12")]
    [InlineData("fat16")]
    [InlineData("fat32")]
    public async Task A_file_chain_looping_back_is_caught(string name)
    {
        var image = FatTestImages.Copy(name, "file-loop");
        var cluster = await FirstClusterAsync(image, "f300000.bin");
        var next = await FatEntryAsync(image, cluster + 3);
        Assert.Equal(cluster + 4, next);
        await SetFatEntryAsync(image, cluster + 3, cluster + 1);
        await AssertCorruptAsync(image, "/f300000.bin");
    }

    [SkippableTheory]
    [InlineData("fat12")]
    [InlineData("fat16")]
    [InlineData("fat32")]
    public async Task A_directory_chain_looping_to_itself_is_caught(string name)
    {
        var image = FatTestImages.Copy(name, "dir-loop");
        var cluster = await FirstClusterAsync(image, "many");
        await SetFatEntryAsync(image, cluster, cluster);
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<CorruptFileSystemException>(async () => await new GuestFiles(fs).ListAsync("/many").ToListAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [SkippableTheory]
    [InlineData("fat12")]
    [InlineData("fat16")]
    [InlineData("fat32")]
    public async Task A_chain_leaving_the_volume_and_a_chain_ending_early_are_caught(string name)
    {
        var image = FatTestImages.Copy(name, "out-of-range");
        var cluster = await FirstClusterAsync(image, "f50000.bin");
        var (_, type) = await GeometryAsync(image);
        await SetFatEntryAsync(image, cluster, type == FatType.Fat12 ? 0xFF0u : type == FatType.Fat16 ? 0xFFF0u : 0x0FFFFFF0u);
        await AssertCorruptAsync(image, "/f50000.bin");

        // End of chain after one cluster: the size now runs past the chain.
        await SetFatEntryAsync(image, cluster, 0x0FFFFFFF);
        await AssertCorruptAsync(image, "/f50000.bin");
    }

    [SkippableTheory]
    [InlineData(11, 2)] // bytes per sector
    [InlineData(13, 1)] // sectors per cluster
    [InlineData(14, 2)] // reserved sectors
    [InlineData(16, 1)] // FAT count
    [InlineData(22, 2)] // 16-bit FAT size (FAT16: then it reads as FAT32 and must still be refused)
    [InlineData(19, 2)] // 16-bit total sectors, with the 32-bit one zero too
    public async Task Zeroed_boot_sector_fields_are_refused(int offset, int length)
    {
        var image = FatTestImages.Copy("fat16", $"zero-{offset}");
        await using (var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            file.Write(new byte[length]);
            file.Position = 32;
            file.Write(new byte[4]);
        }

        await using var source = FileBlockSource.Open(image);
        await Assert.ThrowsAsync<CorruptFileSystemException>(async () => await FatFileSystem.OpenAsync(source));
    }

    [SkippableTheory]
    [InlineData("fat16", 64 * 1024)]
    [InlineData("fat32", 64 * 1024)]
    [InlineData("fat16", 100)]
    public async Task A_truncated_volume_is_refused(string name, int keep)
    {
        var image = FatTestImages.Copy(name, $"truncated-{keep}");
        await using (var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(keep);
        }

        await using var source = FileBlockSource.Open(image);
        await Assert.ThrowsAsync<CorruptFileSystemException>(async () => await FatFileSystem.OpenAsync(source));
    }

    [SkippableFact]
    public async Task Data_cut_off_by_truncation_fails_on_read()
    {
        var image = FatTestImages.Copy("fat32", "truncated-data");
        var content = await File.ReadAllBytesAsync(Path.Combine(FatTestImages.SourceTree, "f300000.bin"));
        var at = (await File.ReadAllBytesAsync(image)).AsSpan().IndexOf(content.AsSpan(0, 64));
        Assert.True(at > 0);
        await using (var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            // Cut inside the file's data: the metadata before it still reads.
            file.SetLength(at + 1000);
        }

        await AssertCorruptAsync(image, "/f300000.bin");
    }

    [SkippableFact]
    public async Task Entries_without_a_usable_name_are_not_listed()
    {
        // Found by fuzzing (fuzz/findings/fat): a blank short name was listed as "", and a long name may say "..".
        var image = FatTestImages.Copy("fat12", "unusable-names");
        var boot = new byte[512];
        await using (var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            file.ReadExactly(boot);
            var bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(11));
            var root = (BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(14)) + (boot[16] * BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(22)))) * (long)bytesPerSector;
            var entry = new byte[32];
            for (file.Position = root; ; file.Position += 32)
            {
                file.ReadExactly(entry);
                file.Position -= 32;
                if (entry[0] == 0)
                {
                    break;
                }
            }

            var blank = new byte[32];
            "           "u8.CopyTo(blank);
            blank[11] = 0x20;
            var shortName = "DOTDOT  TXT"u8.ToArray();
            var longName = new byte[32];
            longName[0] = 0x41;
            longName.AsSpan(1, 10).Fill(0xFF);
            ((ReadOnlySpan<byte>)[(byte)'.', 0, (byte)'.', 0, 0, 0]).CopyTo(longName.AsSpan(1)); // "..", then the terminating NUL
            longName[11] = 0x0F;
            longName[13] = FatShortName.Checksum(shortName);
            longName.AsSpan(14, 12).Fill(0xFF);
            longName.AsSpan(28, 4).Fill(0xFF);
            var dotDot = new byte[32];
            shortName.CopyTo(dotDot, 0);
            dotDot[11] = 0x20;
            file.Write([.. blank, .. longName, .. dotDot]);
        }

        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var names = await fs.ListAsync(fs.Root).Select(e => e.Name).ToListAsync();
        Assert.DoesNotContain("", names);
        Assert.DoesNotContain("..", names);
        Assert.Contains("DOTDOT.TXT", names);
    }

    private static async Task AssertCorruptAsync(string image, params string[] paths)
    {
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<CorruptFileSystemException>(async () =>
        {
            foreach (var path in paths)
            {
                await new GuestFiles(fs).ReadAllBytesAsync(path);
            }
        });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    private static async Task<uint> FirstClusterAsync(string image, string name)
    {
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var node = (FatNode)(await fs.LookupAsync(fs.Root, name))!;
        return node.FirstCluster;
    }

    private static async Task<(long FatOffset, FatType Type)> GeometryAsync(string image)
    {
        await using var source = FileBlockSource.Open(image);
        await using var fs = await FatFileSystem.OpenAsync(source);
        var boot = new byte[512];
        await source.ReadAtAsync(0, boot);
        var fatOffset = (long)BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(14)) * BinaryPrimitives.ReadUInt16LittleEndian(boot.AsSpan(11));
        return (fatOffset, fs.FatType);
    }

    private static async Task<uint> FatEntryAsync(string image, uint cluster)
    {
        var (fatOffset, type) = await GeometryAsync(image);
        await using var file = new FileStream(image, FileMode.Open, FileAccess.Read);
        var bytes = new byte[4];
        file.Position = fatOffset + EntryOffset(type, cluster);
        file.ReadExactly(bytes);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        return type switch
        {
            FatType.Fat12 => (cluster & 1) == 0 ? value & 0xFFF : (value >> 4) & 0xFFF,
            FatType.Fat16 => value & 0xFFFF,
            _ => value & 0x0FFFFFFF,
        };
    }

    /// <summary>Changes the first FAT only: with mirroring on, that is the copy readers use.</summary>
    private static async Task SetFatEntryAsync(string image, uint cluster, uint value)
    {
        var (fatOffset, type) = await GeometryAsync(image);
        await using var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[4];
        file.Position = fatOffset + EntryOffset(type, cluster);
        file.ReadExactly(bytes);
        var old = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var updated = type switch
        {
            FatType.Fat12 when (cluster & 1) == 0 => (old & ~0xFFFu) | (value & 0xFFF),
            FatType.Fat12 => (old & ~0xFFF0u) | ((value & 0xFFF) << 4),
            FatType.Fat16 => (old & 0xFFFF0000) | (value & 0xFFFF),
            _ => (old & 0xF0000000) | (value & 0x0FFFFFFF),
        };
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, updated);
        file.Position = fatOffset + EntryOffset(type, cluster);
        file.Write(bytes);
    }

    private static long EntryOffset(FatType type, uint cluster) => type switch
    {
        FatType.Fat12 => cluster + (cluster / 2),
        FatType.Fat16 => cluster * 2L,
        _ => cluster * 4L,
    };
}
