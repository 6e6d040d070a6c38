using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Ova;

/// <summary>
/// The regular files of a tar archive and where their data lies, read header by header without reading any
/// member's data (so an OVA in the object store is never copied). Understands ustar (with prefix), pax
/// extended headers ('x': path and size; 'g' ignored) and GNU long names ('L'). Memory and time stay bounded
/// whatever the archive claims: member and header counts are capped, extended headers are size-capped, and
/// every size is checked against the source length before the next header is read.
/// </summary>
public sealed class TarDirectory
{
    /// <summary>Most headers (members, extended headers, directories) read; an OVA has a handful of files.</summary>
    public const int MaxHeaders = 10_000;

    /// <summary>Largest pax extended header or GNU long name read into memory.</summary>
    public const int MaxExtendedHeaderBytes = 64 * 1024;

    /// <summary>Longest member name accepted.</summary>
    public const int MaxNameLength = 4096;

    private TarDirectory(IReadOnlyList<TarMember> members, IReadOnlyList<string> warnings)
    {
        Members = members;
        Warnings = warnings;
    }

    /// <summary>The regular files in archive order, names with any leading "./" removed.</summary>
    public IReadOnlyList<TarMember> Members { get; }

    /// <summary>Tolerated oddities (for example a missing end-of-archive marker).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public TarMember? Find(string name) => Members.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    public static async Task<TarDirectory> ReadAsync(IBlockSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var members = new List<TarMember>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var block = new byte[TarHeader.BlockSize];
        string? pendingName = null;
        long? pendingSize = null;
        long position = 0;
        var ended = false;

        for (var headers = 0; ; headers++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (position == source.Length)
            {
                warnings.Add("The tar archive has no end-of-archive marker (two zero blocks); it may be truncated.");
                break;
            }

            if (headers >= MaxHeaders)
            {
                throw new InvalidDiskImageException($"The OVA holds more than {MaxHeaders} tar entries; that is not an OVA vmie accepts.");
            }

            await ReadBlockAsync(source, position, block, cancellationToken).ConfigureAwait(false);
            if (TarHeader.IsZeroBlock(block))
            {
                ended = true;
                break;
            }

            var header = TarHeader.Parse(block, position);
            var dataOffset = position + TarHeader.BlockSize;
            var size = pendingSize is { } paxSize && header.TypeFlag is not TarHeader.PaxExtended and not TarHeader.GnuLongName ? paxSize : header.Size;
            if (size > source.Length - dataOffset)
            {
                throw new InvalidDiskImageException($"The OVA's tar entry at byte {position} declares {size} bytes of data, but the archive ends at byte {source.Length}; it is truncated or damaged.");
            }

            switch (header.TypeFlag)
            {
                case TarHeader.PaxExtended:
                    var records = await ReadExtendedAsync(source, dataOffset, size, position, cancellationToken).ConfigureAwait(false);
                    (pendingName, pendingSize) = ParsePaxRecords(records, position, pendingName, pendingSize);
                    break;
                case TarHeader.PaxGlobal:
                    // Global defaults (mtime, charset...): nothing an OVA reader needs; the size was checked above.
                    break;
                case TarHeader.GnuLongName:
                    var longName = await ReadExtendedAsync(source, dataOffset, size, position, cancellationToken).ConfigureAwait(false);
                    pendingName = TrimNul(Encoding.UTF8.GetString(longName));
                    break;
                case TarHeader.GnuSparse:
                    throw new UnsupportedDiskImageException($"OVF file parsing error: the OVA holds a GNU sparse tar member ('{pendingName ?? header.Name}'), which is not supported; archive the files without --sparse.");
                default:
                    var name = Normalize(pendingName ?? header.Name, position);
                    if (header.IsRegularFile)
                    {
                        if (!names.Add(name))
                        {
                            throw new InvalidDiskImageException($"The OVA holds the file '{name}' twice; which one is meant is ambiguous.");
                        }

                        members.Add(new TarMember(name, dataOffset, size));
                    }

                    pendingName = null;
                    pendingSize = null;
                    break;
            }

            var next = dataOffset + RoundUp(size);
            // An extension header whose padding runs past the end leaves no room for the header it describes.
            position = Math.Min(next, source.Length);
        }

        if (pendingName is not null || pendingSize is not null)
        {
            throw new InvalidDiskImageException("The OVA's tar archive ends right after an extended header, without the entry it describes" + (ended ? "." : "; it is truncated."));
        }

        return new TarDirectory(members, warnings);
    }

    private static long RoundUp(long size) => (size + TarHeader.BlockSize - 1) / TarHeader.BlockSize * TarHeader.BlockSize;

    private static async Task ReadBlockAsync(IBlockSource source, long position, byte[] block, CancellationToken cancellationToken)
    {
        var read = await source.ReadAtAsync(position, block, cancellationToken).ConfigureAwait(false);
        if (read < block.Length)
        {
            throw new InvalidDiskImageException($"The OVA's tar archive ends inside the header at byte {position}; it is truncated.");
        }
    }

    private static async Task<byte[]> ReadExtendedAsync(IBlockSource source, long offset, long size, long position, CancellationToken cancellationToken)
    {
        if (size > MaxExtendedHeaderBytes)
        {
            throw new InvalidDiskImageException($"The OVA's tar extended header at byte {position} is {size} bytes long; more than {MaxExtendedHeaderBytes} is refused.");
        }

        var data = new byte[size];
        var read = await source.ReadAtAsync(offset, data, cancellationToken).ConfigureAwait(false);
        if (read < data.Length)
        {
            throw new InvalidDiskImageException($"The OVA's tar archive ends inside the extended header at byte {position}; it is truncated.");
        }

        return data;
    }

    /// <summary>POSIX.1-2001 pax records: "LEN KEY=VALUE\n", LEN counting the whole record in decimal.</summary>
    private static (string? Name, long? Size) ParsePaxRecords(ReadOnlySpan<byte> data, long position, string? name, long? size)
    {
        while (data.Length > 0)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || space > 10 || !long.TryParse(data[..space], System.Globalization.NumberStyles.None, null, out var length)
                || length <= space + 2 || length > data.Length || data[(int)length - 1] != (byte)'\n')
            {
                throw new InvalidDiskImageException($"The OVA's pax extended header at byte {position} has a malformed record.");
            }

            var record = data[(space + 1)..((int)length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new InvalidDiskImageException($"The OVA's pax extended header at byte {position} has a record without a key.");
            }

            var key = record[..equals];
            var value = record[(equals + 1)..];
            if (key.SequenceEqual("path"u8))
            {
                name = Encoding.UTF8.GetString(value);
            }
            else if (key.SequenceEqual("size"u8))
            {
                if (!long.TryParse(value, System.Globalization.NumberStyles.None, null, out var parsed))
                {
                    throw new InvalidDiskImageException($"The OVA's pax extended header at byte {position} has a size that is not a decimal number.");
                }

                size = parsed;
            }
            else if (key.StartsWith("GNU.sparse."u8))
            {
                throw new UnsupportedDiskImageException("OVF file parsing error: the OVA holds a sparse tar member (pax GNU.sparse), which is not supported; archive the files without --sparse.");
            }

            data = data[(int)length..];
        }

        return (name, size);
    }

    private static string TrimNul(string value)
    {
        var end = value.IndexOf('\0', StringComparison.Ordinal);
        return end < 0 ? value : value[..end];
    }

    private static string Normalize(string name, long position)
    {
        while (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        if (name.Length > MaxNameLength)
        {
            throw new InvalidDiskImageException($"The OVA's tar entry at byte {position} has a name longer than {MaxNameLength} characters.");
        }

        return name;
    }
}
