using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Fuzz;

/// <summary>
/// The regf target's seeds (fuzz/corpus/regf), written by <see cref="HiveWriter"/>: one per subkey list layout, with
/// every value type, a class name, UTF-16 names and a big-data value, so mutations start from each structure.
/// </summary>
internal static class FuzzSeedHives
{
    public static IReadOnlyDictionary<string, byte[]> All { get; } = new Dictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["hash-leaf-big-data.hiv"] = HiveWriter.Write(Tree(bigValueBytes: 17_000)),
        ["fast-leaf-utf16-names.hiv"] = HiveWriter.Write(Tree(bigValueBytes: 0), new HiveWriter { ListKind = HiveSubkeyListKind.FastLeaf, Utf16Names = true }),
        ["index-root-of-index-leaves.hiv"] = HiveWriter.Write(Tree(bigValueBytes: 0), new HiveWriter { ListKind = HiveSubkeyListKind.IndexLeaf, MaxLeafEntries = 2 }),
        ["format-1.3.hiv"] = HiveWriter.Write(Tree(bigValueBytes: 0), new HiveWriter { MinorVersion = 3 }),
    };

    private static HiveKey Tree(int bigValueBytes)
    {
        var root = new HiveKey("ROOT") { ClassName = "root class" };
        root.Key(@"Microsoft\Windows NT\CurrentVersion")
            .String("ProductName", "Windows Server 2022 Datacenter")
            .ExpandString("SystemRoot", "%SystemDrive%\\Windows")
            .DWord("CurrentMajorVersionNumber", 10)
            .DWordBigEndian("BigEndian", 0x01020304)
            .QWord("InstallTime", 0x01D5_0000_0000_0000)
            .MultiString("Languages", "en-US", "fr-FR")
            .Binary("DigitalProductId", [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        root.Key(@"ControlSet001\Control\Nls\Language").String("InstallLanguage", "0409").String("", "default value");
        root.Key(@"ControlSet001\Services\ENA").DWord("Start", 0);
        root.Key(@"Sélection").DWord("Current", 1);
        foreach (var name in new[] { "a", "B", "c", "D", "e" })
        {
            root.Key($@"Many\{name}").DWord("n", 1);
        }

        if (bigValueBytes > 0)
        {
            root.Key("Big").Binary("Blob", [.. Enumerable.Range(0, bigValueBytes).Select(i => (byte)i)]);
        }

        return root;
    }
}
