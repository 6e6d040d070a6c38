using System.Text;

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>LVM2 UUIDs: 32 characters on disk, shown and written in metadata text as 6-4-4-4-4-4-6 with dashes.</summary>
internal static class LvmIds
{
    public static string Format(ReadOnlySpan<byte> raw)
    {
        var id = Encoding.ASCII.GetString(raw);
        return $"{id[..6]}-{id[6..10]}-{id[10..14]}-{id[14..18]}-{id[18..22]}-{id[22..26]}-{id[26..]}";
    }

    /// <summary>The comparable form: dashes removed.</summary>
    public static string Normalize(string id) => id.Replace("-", "", StringComparison.Ordinal);
}
