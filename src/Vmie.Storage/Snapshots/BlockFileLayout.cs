namespace Vmie.Storage.Snapshots;

/// <summary>
/// Where block files live: root/ab/cd/&lt;64 hex digits&gt;, two levels of 256 directories so no directory
/// grows huge. A block is first written to a uniquely named temp file beside its final name and then
/// renamed, so a crash never leaves a partial block under a block's name.
/// </summary>
internal sealed class BlockFileLayout
{
    private const string TempSuffix = ".tmp";

    public BlockFileLayout(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string DirectoryOf(BlockHash hash)
    {
        var hex = hash.ToHex();
        return Path.Combine(Root, hex[..2], hex[2..4]);
    }

    public string PathOf(BlockHash hash)
    {
        var hex = hash.ToHex();
        return Path.Combine(Root, hex[..2], hex[2..4], hex);
    }

    public string NewTempPathOf(BlockHash hash) => $"{PathOf(hash)}.{Guid.NewGuid():N}{TempSuffix}";

    /// <summary>Every block and temp file under the root; files with other names are not reported.</summary>
    public IEnumerable<BlockFile> EnumerateFiles()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (var first in Directory.EnumerateDirectories(Root))
        {
            if (!IsFanOutName(Path.GetFileName(first.AsSpan())))
            {
                continue;
            }

            foreach (var second in Directory.EnumerateDirectories(first))
            {
                if (!IsFanOutName(Path.GetFileName(second.AsSpan())))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(second))
                {
                    var name = Path.GetFileName(file.AsSpan());
                    if (name.Length == BlockHash.HexLength && BlockHash.TryParseHex(name, out var hash))
                    {
                        yield return new BlockFile(file, hash, IsTemp: false);
                    }
                    else if (name.Length > BlockHash.HexLength + 1
                        && name[BlockHash.HexLength] == '.'
                        && name.EndsWith(TempSuffix, StringComparison.Ordinal)
                        && BlockHash.TryParseHex(name[..BlockHash.HexLength], out hash))
                    {
                        yield return new BlockFile(file, hash, IsTemp: true);
                    }
                }
            }
        }
    }

    private static bool IsFanOutName(ReadOnlySpan<char> name) =>
        name.Length == 2 && IsLowerHex(name[0]) && IsLowerHex(name[1]);

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
}

/// <param name="Path">Full path of the file.</param>
/// <param name="Hash">The block it holds (or, for a temp file, is being written).</param>
/// <param name="IsTemp">True for a temp file that was not yet renamed to its block name.</param>
internal readonly record struct BlockFile(string Path, BlockHash Hash, bool IsTemp);
