using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Tests.Windows.Registry;

/// <summary>
/// The reader against hivex (Debian libhivex-bin, libwin-hivex-perl), an independent regf implementation:
/// hives from the test writer listed by hivexml must match the reader's listing key for key, value for
/// value; hives that hivexregedit --merge wrote must read back as merged.
/// </summary>
public sealed class HivexCrossCheckTests
{
    public static TheoryData<string> Hives => ["software", "system", "mixed", "mixed-lf", "mixed-li", "mixed-utf16"];

    [SkippableTheory]
    [MemberData(nameof(Hives))]
    public async Task ReaderListsWhatHivexmlLists(string name)
    {
        var bytes = Build(name);
        var path = ExternalTool.ScratchPath($"{name}.hive");
        await File.WriteAllBytesAsync(path, bytes);
        var xml = ExternalTool.Run("hivexml", "libhivex-bin", path);

        var expected = new List<string>();
        ListHivexml(XDocument.Parse(xml).Root!.Element("node")!, "", expected);
        var actual = new List<string>();
        await ListReader((await TestHives.OpenAsync(bytes)).Root, actual);

        Assert.True(expected.Count > 10);
        Assert.Equal(string.Join('\n', expected), string.Join('\n', actual));
    }

    [SkippableFact]
    public async Task HivesMergedByHivexregeditAreRead()
    {
        var path = ExternalTool.ScratchPath("merged.hive");
        await File.WriteAllBytesAsync(path, HiveWriter.Write(new HiveKey("ROOT")));
        var many = new StringBuilder();
        for (var i = 0; i < 1200; i++)
        {
            many.Append(CultureInfo.InvariantCulture, $"[\\Services\\Svc{i:0000}]\n\"Start\"=dword:{i:x8}\n\n");
        }

        var big = string.Concat(Enumerable.Range(0, 40_000).Select(i => (i % 256).ToString("x2", CultureInfo.InvariantCulture) + ","));
        // hivexregedit takes string data as bytes of the local encoding: give non-ASCII data as UTF-16LE hex.
        var unicode = string.Join(",", Encoding.Unicode.GetBytes("ünïcödé\0").Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        var reg = $"""
            Windows Registry Editor Version 5.00

            [\Microsoft]

            [\Microsoft\Windows NT]

            [\Microsoft\Windows NT\CurrentVersion]
            "ProductName"="Windows Server 2019 Datacenter"
            "EditionID"="ServerDatacenter"
            "InstallationType"="Server"
            "CurrentBuild"="17763"
            "CurrentMajorVersionNumber"=dword:0000000a
            "Big"=hex:{big.TrimEnd(',')}
            "Paths"=hex(7):61,00,00,00,62,00,00,00,00,00
            "Quad"=hex(b):01,02,03,04,05,06,07,08

            [\Microsoft\Windows NT\CurrentVersion\Ключ]
            "Значение"=hex(1):{unicode}

            [\Services]

            {many}
            """;
        var regPath = ExternalTool.ScratchPath("merge.reg");
        await File.WriteAllTextAsync(regPath, reg.Replace("\r", "", StringComparison.Ordinal));
        ExternalTool.Run("hivexregedit", "libwin-hivex-perl", "--merge", "--encoding", "utf-16le", path, regPath);

        await using var stream = File.OpenRead(path);
        var hive = await RegistryHive.OpenAsync(stream);
        var key = (await hive.OpenKeyAsync(TestHives.CurrentVersion))!;
        Assert.Equal("Windows Server 2019 Datacenter", await key.GetStringAsync("ProductName"));
        Assert.Equal("Server", await key.GetStringAsync("InstallationType"));
        Assert.Equal(10u, await key.GetUInt32Async("CurrentMajorVersionNumber"));
        Assert.Equal(Enumerable.Range(0, 40_000).Select(i => (byte)i), (await key.GetValueAsync("Big"))!.AsBytes());
        Assert.Equal(["a", "b"], (await key.GetValueAsync("Paths"))!.AsStrings());
        Assert.Equal(0x0807060504030201UL, (await key.GetValueAsync("Quad"))!.AsUInt64());
        Assert.Equal("ünïcödé", await (await key.GetSubkeyAsync("ключ"))!.GetStringAsync("значение"));

        var services = (await hive.OpenKeyAsync("Services"))!;
        Assert.Equal(1200, services.SubkeyCount);
        Assert.Equal(Enumerable.Range(0, 1200).Select(i => $"Svc{i:0000}"), await services.GetSubkeyNamesAsync());
        Assert.Equal(1111u, await (await services.GetSubkeyAsync("SVC1111"))!.GetUInt32Async("Start"));
    }

    private static byte[] Build(string name) => name switch
    {
        "software" => HiveWriter.Write(TestHives.Software()),
        "system" => HiveWriter.Write(TestHives.System()),
        "mixed" => HiveWriter.Write(Mixed()),
        "mixed-lf" => HiveWriter.Write(Mixed(), new HiveWriter { ListKind = HiveSubkeyListKind.FastLeaf, MaxLeafEntries = 100 }),
        "mixed-li" => HiveWriter.Write(Mixed(), new HiveWriter { ListKind = HiveSubkeyListKind.IndexLeaf, MaxLeafEntries = 100 }),
        "mixed-utf16" => HiveWriter.Write(Mixed(), new HiveWriter { Utf16Names = true, MaxLeafEntries = 64 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static HiveKey Mixed()
    {
        var root = TestHives.Software();
        var big = new byte[50_000];
        new Random(5).NextBytes(big);
        root.Key("Types")
            .Binary("Big", big)
            .MultiString("List", "one", "two", "three")
            .DWordBigEndian("BigEndian", 0xA0B0C0D0)
            .QWord("Quad", ulong.MaxValue - 5)
            .Binary("Tiny", [7]);
        root.Key("Ünïcödé\\日本語").String("Ключ", "значение");
        var many = root.Key("Many");
        for (var i = 0; i < 700; i++)
        {
            many.Key($"Sub{i:000}").DWord("N", (uint)i);
        }

        return root;
    }

    /// <summary>One line per key and per value, in hive order, from hivexml's XML.</summary>
    private static void ListHivexml(XElement node, string path, List<string> lines)
    {
        lines.Add($"key {path}");
        foreach (var value in node.Elements("value"))
        {
            var name = (string?)value.Attribute("key") ?? "";
            var type = (string)value.Attribute("type")!;
            var text = (string?)value.Attribute("value") ?? "";
            var canonical = type switch
            {
                "string" or "expand" or "link" or "int32" or "int64" => text,
                // hivexml also lists the empty string that ends a REG_MULTI_SZ.
                "string-list" => string.Join("|", value.Elements("string").Select(s => s.Value).Reverse().SkipWhile(s => s.Length == 0).Reverse()),
                _ when (string?)value.Attribute("encoding") == "base64" => Convert.ToHexString(Convert.FromBase64String(text)),
                _ => throw new InvalidOperationException($"hivexml value type {type} is not understood by this test."),
            };
            lines.Add($"value {path} [{name}] {canonical}");
        }

        foreach (var child in node.Elements("node"))
        {
            ListHivexml(child, path + "\\" + (string)child.Attribute("name")!, lines);
        }
    }

    /// <summary>The same listing from the reader.</summary>
    private static async Task ListReader(RegistryKey key, List<string> lines)
    {
        var path = key.Path.Length == 0 ? "" : "\\" + key.Path;
        lines.Add($"key {path}");
        foreach (var value in await key.GetValuesAsync())
        {
            var canonical = value.Kind switch
            {
                RegistryValueKind.String or RegistryValueKind.ExpandString or RegistryValueKind.Link => value.AsString(),
                RegistryValueKind.DWord or RegistryValueKind.DWordBigEndian => ((int)value.AsUInt32()).ToString(CultureInfo.InvariantCulture),
                RegistryValueKind.QWord => ((long)value.AsUInt64()).ToString(CultureInfo.InvariantCulture),
                RegistryValueKind.MultiString => string.Join("|", value.AsStrings()),
                _ => Convert.ToHexString(value.Data.Span),
            };
            lines.Add($"value {path} [{value.Name}] {canonical}");
        }

        foreach (var child in await key.GetSubkeysAsync())
        {
            await ListReader(child, lines);
        }
    }
}
