using System.Text;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Tests.Windows.Registry;

public sealed class RegistryHiveTests
{
    [Fact]
    public async Task SoftwareHiveGivesTheWindowsVersion()
    {
        var hive = await TestHives.OpenAsync(HiveWriter.Write(TestHives.Software()));

        Assert.False(hive.IsDirty);
        Assert.Empty(hive.Warnings);
        Assert.Equal("1.5", hive.Version);
        Assert.Equal("ROOT", hive.Root.Name);
        var key = await hive.OpenKeyAsync(@"microsoft\WINDOWS NT\currentversion");
        Assert.NotNull(key);
        Assert.Equal(TestHives.CurrentVersion, key.Path);
        Assert.Equal("CurrentVersion", key.Name);
        Assert.Equal("Windows Server 2019 Datacenter", await key.GetStringAsync("ProductName"));
        Assert.Equal("ServerDatacenter", await key.GetStringAsync("editionid"));
        Assert.Equal("Server", await key.GetStringAsync("InstallationType"));
        Assert.Equal("17763", await key.GetStringAsync("CurrentBuild"));
        Assert.Equal(10u, await key.GetUInt32Async("CurrentMajorVersionNumber"));
        Assert.Equal(0u, await key.GetUInt32Async("CurrentMinorVersionNumber"));
        Assert.Null(await key.GetStringAsync("CurrentMajorVersionNumber"));
        Assert.Null(await key.GetUInt32Async("ProductName"));
        Assert.Null(await key.GetValueAsync("NoSuchValue"));
        Assert.Null(await hive.OpenKeyAsync(@"Microsoft\Windows NT\NoSuchKey"));
        Assert.Equal(2019, key.LastWritten!.Value.Year);
    }

    [Fact]
    public async Task ValuesAreTyped()
    {
        var hive = await TestHives.OpenAsync(HiveWriter.Write(TestHives.Software()));
        var key = (await hive.OpenKeyAsync(TestHives.CurrentVersion))!;

        var values = await key.GetValuesAsync();
        Assert.Equal(12, values.Count);
        Assert.Equal(key.ValueCount, values.Count);
        Assert.Equal(
            ["ProductName", "EditionID", "InstallationType", "CurrentBuild", "CurrentBuildNumber", "CurrentVersion", "CurrentMajorVersionNumber",
             "CurrentMinorVersionNumber", "ReleaseId", "PathName", "InstallTime", "DigitalProductId"],
            await key.GetValueNamesAsync());

        var product = values[0];
        Assert.Equal(RegistryValueKind.String, product.Kind);
        Assert.Equal("Windows Server 2019 Datacenter", product.Value);
        var path = (await key.GetValueAsync("PathName"))!;
        Assert.Equal(RegistryValueKind.ExpandString, path.Kind);
        Assert.Equal("%SystemRoot%", path.AsString());
        var installTime = (await key.GetValueAsync("InstallTime"))!;
        Assert.Equal(RegistryValueKind.QWord, installTime.Kind);
        Assert.Equal(132_000_000_000_000_000UL, installTime.Value);
        var major = (await key.GetValueAsync("CurrentMajorVersionNumber"))!;
        Assert.Equal(10u, major.Value);
        Assert.Equal(10UL, major.AsUInt64());
        var id = (await key.GetValueAsync("DigitalProductId"))!;
        Assert.Equal(RegistryValueKind.Binary, id.Kind);
        Assert.Equal(Enumerable.Range(0, 164).Select(i => (byte)i), (byte[])id.Value);
        Assert.Throws<InvalidOperationException>(() => id.AsString());
        Assert.Throws<InvalidOperationException>(() => product.AsUInt32());
    }

    [Fact]
    public async Task DefaultValueHasAnEmptyName()
    {
        var hive = await TestHives.OpenAsync(HiveWriter.Write(TestHives.Software()));
        var key = (await hive.OpenKeyAsync(@"Classes\.txt"))!;

        Assert.Equal("txtfile", await key.GetStringAsync(""));
        Assert.Equal([""], await key.GetValueNamesAsync());
        Assert.Equal("(default) (String)", (await key.GetValueAsync(""))!.ToString());
    }

    [Fact]
    public async Task SystemHiveGivesCurrentControlSetLanguageAndServices()
    {
        var hive = await TestHives.OpenAsync(HiveWriter.Write(TestHives.System()));

        var current = await (await hive.OpenKeyAsync("Select"))!.GetUInt32Async("Current");
        Assert.Equal(1u, current);
        var controlSet = $"ControlSet{current:000}";
        var language = await hive.OpenKeyAsync($@"{controlSet}\Control\Nls\Language");
        Assert.Equal("0409", await language!.GetStringAsync("InstallLanguage"));
        var memory = await hive.OpenKeyAsync($@"{controlSet}\Control\Session Manager\Memory Management");
        Assert.Equal([@"?:\pagefile.sys"], (await memory!.GetValueAsync("PagingFiles"))!.AsStrings());

        var services = (await hive.OpenKeyAsync($@"{controlSet}\Services"))!;
        Assert.Equal(8, services.SubkeyCount);
        // Windows keeps subkeys sorted by upper-cased name; the writer does as well, and the reader keeps that order.
        Assert.Equal(["AWSNVMe", "Dhcp", "disk", "ENA", "storvsc", "Tcpip", "vmbus", "W32Time"], await services.GetSubkeyNamesAsync());
        var ena = (await services.GetSubkeyAsync("ena"))!;
        Assert.Equal(@"ControlSet001\Services\ENA", ena.Path);
        Assert.Equal(@"System32\drivers\ENA.sys", await ena.GetStringAsync("ImagePath"));
    }

    [Theory]
    [InlineData(HiveSubkeyListKind.HashLeaf)]
    [InlineData(HiveSubkeyListKind.FastLeaf)]
    [InlineData(HiveSubkeyListKind.IndexLeaf)]
    public async Task IndexRootsWithManySubkeysAreWalked(HiveSubkeyListKind kind)
    {
        var root = new HiveKey("ROOT");
        var many = root.Key("Many");
        var names = Enumerable.Range(0, 3000).Select(i => $"Key{i:00000}").ToList();
        foreach (var name in names)
        {
            many.Key(name).DWord("Index", uint.Parse(name[3..]));
        }

        var bytes = HiveWriter.Write(root, new HiveWriter { ListKind = kind, MaxLeafEntries = 256 });
        Assert.Contains("ri", CellSignatures(bytes)); // the list really is split under an index root
        var hive = await TestHives.OpenAsync(bytes);
        var key = (await hive.OpenKeyAsync("many"))!;

        Assert.Equal(names, await key.GetSubkeyNamesAsync());
        foreach (var probe in new[] { 0, 255, 256, 1999, 2999 })
        {
            var sub = await key.GetSubkeyAsync($"KEY{probe:00000}");
            Assert.Equal((uint)probe, await sub!.GetUInt32Async("Index"));
        }

        Assert.Null(await key.GetSubkeyAsync("Key03000"));
    }

    [Fact]
    public async Task Utf16AndLatin1NamesAreDecoded()
    {
        var root = new HiveKey("ROOT");
        root.Key("Grüße").String("Größe", "groß");
        root.Key("日本語\\Ключ").String("Значение", "значение").DWord("ÆØÅ", 7);

        foreach (var utf16 in new[] { false, true })
        {
            var hive = await TestHives.OpenAsync(HiveWriter.Write(root, new HiveWriter { Utf16Names = utf16 }));

            var latin = (await hive.OpenKeyAsync("GRÜSSE".Replace("SS", "ß", StringComparison.Ordinal)))!;
            Assert.Equal("Grüße", latin.Name);
            Assert.Equal("groß", await latin.GetStringAsync("größe"));
            var cyrillic = (await hive.OpenKeyAsync(@"日本語\ключ"))!;
            Assert.Equal(@"日本語\Ключ", cyrillic.Path);
            Assert.Equal("значение", await cyrillic.GetStringAsync("ЗНАЧЕНИЕ"));
            Assert.Equal(7u, await cyrillic.GetUInt32Async("æøå"));
        }
    }

    [Theory]
    [InlineData(16344)]
    [InlineData(16345)]
    [InlineData(100_000)]
    [InlineData(3 * 16344)]
    public async Task BigDataValuesAreReassembled(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var root = new HiveKey("ROOT");
        root.Key("Big").Binary("Blob", data).String("After", "still here");

        var bytes = HiveWriter.Write(root);
        Assert.Equal(length > 16344, CellSignatures(bytes).Contains("db"));
        var hive = await TestHives.OpenAsync(bytes);
        var key = (await hive.OpenKeyAsync("Big"))!;

        Assert.Equal(data, (await key.GetValueAsync("Blob"))!.AsBytes());
        Assert.Equal("still here", await key.GetStringAsync("After"));
    }

    [Fact]
    public async Task Version13HivesKeepLargeValuesInOneCell()
    {
        var data = Encoding.Unicode.GetBytes(new string('x', 20_000) + "\0");
        var root = new HiveKey("ROOT");
        root.Key("Old").Value("Long", 1, data);

        var bytes = HiveWriter.Write(root, new HiveWriter { MinorVersion = 3 });
        Assert.DoesNotContain("db", CellSignatures(bytes));
        var hive = await TestHives.OpenAsync(bytes);

        Assert.Equal("1.3", hive.Version);
        Assert.Equal(new string('x', 20_000), await (await hive.OpenKeyAsync("Old"))!.GetStringAsync("Long"));
    }

    [Fact]
    public async Task InlineAndNumberEncodingsAreRead()
    {
        var root = new HiveKey("ROOT");
        root.Key("Numbers")
            .DWordBigEndian("Big", 0x01020304)
            .DWord("Little", 0x01020304)
            .Binary("Three", [1, 2, 3])
            .Binary("Empty", [])
            .String("EmptyString", "")
            .MultiString("List", "a", "bc", "d")
            .Value("Unterminated", 1, Encoding.Unicode.GetBytes("no nul"))
            .Value("Custom", 0xFFFF0010, [9, 9]);
        var hive = await TestHives.OpenAsync(HiveWriter.Write(root));
        var key = (await hive.OpenKeyAsync("Numbers"))!;

        Assert.Equal(0x01020304u, await key.GetUInt32Async("Big"));
        Assert.Equal(0x01020304u, await key.GetUInt32Async("Little"));
        Assert.Equal(new byte[] { 1, 2, 3 }, (await key.GetValueAsync("Three"))!.AsBytes());
        Assert.Empty((await key.GetValueAsync("Empty"))!.AsBytes());
        Assert.Equal("", await key.GetStringAsync("EmptyString"));
        Assert.Equal(["a", "bc", "d"], (IReadOnlyList<string>)(await key.GetValueAsync("List"))!.Value);
        Assert.Equal("no nul", await key.GetStringAsync("Unterminated"));
        var custom = (await key.GetValueAsync("Custom"))!;
        Assert.Equal((RegistryValueKind)0xFFFF0010, custom.Kind);
        Assert.Equal(new byte[] { 9, 9 }, (byte[])custom.Value);
    }

    [Fact]
    public async Task ClassNamesAreRead()
    {
        var root = new HiveKey("ROOT");
        root.Key(@"ControlSet001\Control\Lsa\JD").ClassName = "b1e8d7c2";
        var hive = await TestHives.OpenAsync(HiveWriter.Write(root));

        Assert.Equal("b1e8d7c2", await (await hive.OpenKeyAsync(@"ControlSet001\Control\Lsa\JD"))!.GetClassNameAsync());
        Assert.Null(await hive.Root.GetClassNameAsync());
    }

    [Fact]
    public async Task DirtyHiveIsReadWithAWarning()
    {
        var writer = new HiveWriter();
        var rootOffset = writer.WriteKey(TestHives.Software(), HiveWriter.NoCell, isRoot: true);
        var hive = await TestHives.OpenAsync(writer.ToArray(rootOffset, primarySequence: 8, secondarySequence: 7));

        Assert.True(hive.IsDirty);
        Assert.Equal(8u, hive.PrimarySequence);
        Assert.Equal(7u, hive.SecondarySequence);
        Assert.Contains(".LOG1/.LOG2", Assert.Single(hive.Warnings), StringComparison.Ordinal);
        Assert.Equal("Server", await (await hive.OpenKeyAsync(TestHives.CurrentVersion))!.GetStringAsync("InstallationType"));
    }

    [Fact]
    public async Task StreamsAreReadPiecewise()
    {
        var root = TestHives.Software();
        var filler = root.Key("Filler");
        for (var i = 0; i < 400; i++)
        {
            filler.Key($"K{i}").Binary("Pad", new byte[10_000]);
        }

        var bytes = HiveWriter.Write(root);
        await using var stream = new CountingStream(bytes);
        var hive = await RegistryHive.OpenAsync(stream);

        Assert.Equal("17763", await (await hive.OpenKeyAsync(TestHives.CurrentVersion))!.GetStringAsync("CurrentBuild"));
        Assert.True(bytes.Length > 4 << 20);
        Assert.True(stream.BytesRead < 256 << 10, $"{stream.BytesRead} bytes read of a {bytes.Length}-byte hive to find one value");
    }

    [Fact]
    public async Task KeysCanBeReadConcurrently()
    {
        var hive = await TestHives.OpenAsync(HiveWriter.Write(TestHives.System()));

        var builds = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var services = (await hive.OpenKeyAsync(@"ControlSet001\Services"))!;
            var names = new List<string>();
            foreach (var service in await services.GetSubkeysAsync())
            {
                names.Add((await service.GetStringAsync("ImagePath"))!);
            }

            return string.Join(',', names);
        }));

        Assert.Single(builds.Distinct());
    }

    [Fact]
    public async Task NonSeekableStreamsAreRefused()
    {
        await using var stream = new NonSeekableStream();
        await Assert.ThrowsAsync<ArgumentException>(() => RegistryHive.OpenAsync(stream));
    }

    /// <summary>The first two bytes of every allocated cell, walking each hive bin cell by cell.</summary>
    private static HashSet<string> CellSignatures(byte[] hive)
    {
        var signatures = new HashSet<string>();
        for (var bin = 4096; bin < hive.Length;)
        {
            var binSize = BitConverter.ToInt32(hive, bin + 8);
            for (var cell = bin + 32; cell < bin + binSize;)
            {
                var size = BitConverter.ToInt32(hive, cell);
                if (size < 0)
                {
                    signatures.Add(Encoding.ASCII.GetString(hive, cell + 4, 2));
                }

                cell += Math.Abs(size);
            }

            bin += binSize;
        }

        return signatures;
    }

    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = base.Read(buffer);
            BytesRead += read;
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = base.Read(buffer.Span);
            BytesRead += read;
            return ValueTask.FromResult(read);
        }
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
