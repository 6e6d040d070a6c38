using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Tests.Windows.Registry;

/// <summary>Damaged and hostile hives: each must give a <see cref="CorruptHiveException"/>, fast, never a hang or a huge allocation.</summary>
public sealed class HostileHiveTests
{
    private const int CellData = 4; // a cell's data follows its 4-byte size

    [Fact]
    public async Task BadSignatureIsRefused()
    {
        var hive = Valid();
        hive[0] = (byte)'R';
        HiveWriter.FixChecksum(hive);
        await AssertCorruptAsync(hive, "regf");
    }

    [Fact]
    public async Task BadChecksumIsRefused()
    {
        var hive = Valid();
        hive[100] ^= 0x40;
        await AssertCorruptAsync(hive, "checksum");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(8000)]
    public async Task TruncatedHivesAreRefused(int length) =>
        await AssertCorruptAsync(Valid()[..Math.Min(length, Valid().Length - 1)], null);

    [Fact]
    public async Task TransactionLogsAreRefused()
    {
        var hive = Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(28), 2);
        HiveWriter.FixChecksum(hive);
        await AssertCorruptAsync(hive, "transaction log");
    }

    [Theory]
    [InlineData(0xFFFFFFF8u, "outside")]
    [InlineData(0x7FFFFFF8u, "outside")]
    [InlineData(0x21u, "aligned")]
    public async Task RootOffsetOutsideTheBinsIsRefused(uint root, string message)
    {
        var hive = Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(36), root);
        HiveWriter.FixChecksum(hive);
        await AssertCorruptAsync(hive, message);
    }

    [Fact]
    public async Task BinsSizeBeyondTheFileIsRefused()
    {
        var hive = Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(40), (uint)hive.Length);
        HiveWriter.FixChecksum(hive);
        await AssertCorruptAsync(hive, "truncated");
    }

    [Fact]
    public async Task MissingFirstBinIsRefused()
    {
        var hive = Valid();
        hive[4096] = (byte)'X';
        await AssertCorruptAsync(hive, "hbin");
    }

    [Fact]
    public async Task RootPointingAtAFreeCellIsRefused()
    {
        var hive = Valid();
        var root = BinaryPrimitives.ReadInt32LittleEndian(hive.AsSpan(36));
        var size = BinaryPrimitives.ReadInt32LittleEndian(hive.AsSpan(4096 + root));
        BinaryPrimitives.WriteInt32LittleEndian(hive.AsSpan(4096 + root), -size);
        await AssertCorruptAsync(hive, "free");
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(-0x7FFFFFF8)]
    [InlineData(-12)]
    [InlineData(-4)]
    public async Task CellSizesThatLieAreRefused(int size)
    {
        var hive = Valid();
        var root = BinaryPrimitives.ReadInt32LittleEndian(hive.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(hive.AsSpan(4096 + root), size);
        await AssertCorruptAsync(hive, "size");
    }

    [Theory]
    [InlineData(28, 0xFFFFFF00u)] // subkey list offset
    [InlineData(28, 0x7FFF0000u)]
    [InlineData(28, 0x00000024u)] // the middle of a cell, not a cell
    [InlineData(20, 0xFFFFFFFFu)] // subkey count
    public async Task KeyFieldsThatLieAreRefused(int field, uint value)
    {
        var hive = Valid();
        PatchKey(hive, "Windows NT", field, value);
        var opened = await TestHives.OpenAsync(hive);
        await Assert.ThrowsAsync<CorruptHiveException>(async () => await opened.OpenKeyAsync(TestHives.CurrentVersion));
    }

    [Theory]
    [InlineData(36, 0xFFFFFFFFu)] // value count far beyond the value list
    [InlineData(36, 5000u)]
    [InlineData(40, 0xFFFFFFF8u)] // value list offset
    public async Task ValueListsThatLieAreRefused(int field, uint value)
    {
        var hive = Valid();
        PatchKey(hive, "CurrentVersion", field, value, occurrence: 1);
        var key = (await (await TestHives.OpenAsync(hive)).OpenKeyAsync(TestHives.CurrentVersion))!;
        await Assert.ThrowsAsync<CorruptHiveException>(async () => await key.GetValueAsync("ProductName"));
    }

    [Fact]
    public async Task SubkeyListThatContainsItselfIsRefused()
    {
        var (writer, root) = RootWithOneChild();
        var ri = writer.AddList("ri", [0]);
        writer.OverwriteCell(ri, RiBytes(ri));
        writer.Patch(root + CellData + 28, BitConverter.GetBytes(ri));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "loop");
    }

    [Fact]
    public async Task SubkeyListLoopThroughTwoIndexRootsIsRefused()
    {
        var (writer, root) = RootWithOneChild();
        var first = writer.AddList("ri", [0]);
        var second = writer.AddList("ri", [first]);
        writer.OverwriteCell(first, RiBytes(second));
        writer.Patch(root + CellData + 28, BitConverter.GetBytes(first));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "loop");
    }

    [Fact]
    public async Task DeeplyNestedIndexRootsAreRefused()
    {
        var (writer, root) = RootWithOneChild();
        var list = BinaryPrimitives.ReadUInt32LittleEndian(writer.ToArray(root).AsSpan(4096 + (int)root + CellData + 28));
        for (var i = 0; i < 20; i++)
        {
            list = writer.AddList("ri", [list]);
        }

        writer.Patch(root + CellData + 28, BitConverter.GetBytes(list));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "nest");
    }

    [Fact]
    public async Task SubkeyListCountBeyondItsCellIsRefused()
    {
        var (writer, root) = RootWithOneChild();
        var list = writer.AddList("lh", [8, 8], [0, 0]);
        var patched = new byte[] { (byte)'l', (byte)'h', 0xFF, 0xFF };
        writer.Patch(list + CellData, patched);
        writer.Patch(root + CellData + 28, BitConverter.GetBytes(list));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "declares 65535 entries");
    }

    [Fact]
    public async Task UnknownSubkeyListSignatureIsRefused()
    {
        var (writer, root) = RootWithOneChild();
        var list = writer.AddList("zz", [8]);
        writer.Patch(root + CellData + 28, BitConverter.GetBytes(list));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "subkey list");
    }

    [Fact]
    public async Task SubkeyThatIsAnAncestorIsRefused()
    {
        var (writer, root) = RootWithOneChild();
        writer.Patch(root + CellData + 28, BitConverter.GetBytes(writer.AddList("li", [root])));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "loop", lookup: "ROOT");
    }

    [Fact]
    public async Task SubkeyEntryThatIsNotAKeyNodeIsRefused()
    {
        var (writer, root) = RootWithOneChild();
        var notAKey = writer.AddCell(Encoding.ASCII.GetBytes("vk not a key node, but long enough to be one if only the signature matched ......"));
        writer.Patch(root + CellData + 28, BitConverter.GetBytes(writer.AddList("li", [notAKey])));
        await AssertSubkeysCorruptAsync(writer.ToArray(root), "nk");
    }

    [Fact]
    public async Task KeyNameLongerThanItsCellIsRefused()
    {
        var hive = Valid();
        PatchKey(hive, "Windows NT", 72, 0xFFFF, width: 2);
        var opened = await TestHives.OpenAsync(hive);
        await AssertCorruptAsync(async () => await opened.OpenKeyAsync(@"Microsoft\Windows NT"), "name");
    }

    [Fact]
    public async Task ValueDataLongerThanItsCellIsRefused()
    {
        var (hive, vk) = WithValue("Data", new byte[64]);
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(4096 + vk + CellData + 4), 4000);
        await AssertValueCorruptAsync(hive, "Data", "declares 4000 bytes");
    }

    [Fact]
    public async Task InlineDataLongerThanFourBytesIsRefused()
    {
        var (hive, vk) = WithValue("Data", [1, 2]);
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(4096 + vk + CellData + 4), 0x80000010);
        await AssertValueCorruptAsync(hive, "Data", "inline");
    }

    [Fact]
    public async Task ValueDataBeyondTheLimitIsRefusedWithoutReadingIt()
    {
        var (hive, vk) = WithValue("Data", new byte[64]);
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(4096 + vk + CellData + 4), 0x7FFFFFF0);
        await AssertValueCorruptAsync(hive, "Data", "limit");
    }

    [Fact]
    public async Task BigDataWithTooFewSegmentsIsRefused()
    {
        var (hive, vk) = WithValue("Data", new byte[40_000]);
        var db = BinaryPrimitives.ReadInt32LittleEndian(hive.AsSpan(4096 + vk + CellData + 8));
        Assert.Equal("db", Encoding.ASCII.GetString(hive, 4096 + db + CellData, 2));
        BinaryPrimitives.WriteUInt16LittleEndian(hive.AsSpan(4096 + db + CellData + 2), 2);
        await AssertValueCorruptAsync(hive, "Data", "segments");
    }

    [Fact]
    public async Task BigDataSegmentOutsideTheHiveIsRefused()
    {
        var (hive, vk) = WithValue("Data", new byte[40_000]);
        var db = BinaryPrimitives.ReadInt32LittleEndian(hive.AsSpan(4096 + vk + CellData + 8));
        var list = BinaryPrimitives.ReadInt32LittleEndian(hive.AsSpan(4096 + db + CellData + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(hive.AsSpan(4096 + list + CellData + 4), 0x10000000);
        await AssertValueCorruptAsync(hive, "Data", "outside");
    }

    [Fact]
    public async Task WrongSizedNumbersAreReportedAsCorrupt()
    {
        var root = new HiveKey("ROOT");
        root.Key("K").Value("Short", 4, [1, 2]).Value("LongQ", 11, [1, 2, 3]);
        var key = (await (await TestHives.OpenAsync(HiveWriter.Write(root))).OpenKeyAsync("K"))!;

        Assert.Throws<CorruptHiveException>(() => key.GetValueAsync("Short").AsTask().Result!.AsUInt32());
        await Assert.ThrowsAsync<CorruptHiveException>(async () => await key.GetUInt32Async("Short"));
        Assert.Throws<CorruptHiveException>(() => key.GetValueAsync("LongQ").AsTask().Result!.AsUInt64());
    }

    /// <summary>
    /// Random damage anywhere in a hive: walking the whole tree either works or throws
    /// <see cref="CorruptHiveException"/>, never another exception, and every walk ends quickly.
    /// </summary>
    [Fact]
    public async Task RandomDamageGivesOnlyCorruptHiveExceptions()
    {
        var root = TestHives.Software();
        var many = root.Key("Many");
        for (var i = 0; i < 300; i++)
        {
            many.Key($"S{i}").String("V", new string('v', i % 40));
        }

        root.Key("Big").Binary("B", new byte[20_000]);
        var valid = HiveWriter.Write(root, new HiveWriter { MaxLeafEntries = 50 });
        var random = new Random(4);
        var watch = Stopwatch.StartNew();
        var corrupt = 0;
        for (var round = 0; round < 400; round++)
        {
            var hive = (byte[])valid.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                hive[4096 + random.Next(hive.Length - 4096)] = (byte)random.Next(256);
            }

            try
            {
                var opened = await TestHives.OpenAsync(hive);
                await WalkAsync(opened.Root);
            }
            catch (CorruptHiveException)
            {
                corrupt++;
            }
        }

        Assert.InRange(corrupt, 20, 400);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"400 damaged hives took {watch.Elapsed}");
    }

    private static async Task WalkAsync(RegistryKey key)
    {
        foreach (var value in await key.GetValuesAsync())
        {
            _ = value.Kind switch
            {
                RegistryValueKind.DWord or RegistryValueKind.DWordBigEndian or RegistryValueKind.QWord => value.AsUInt64().ToString(),
                RegistryValueKind.MultiString => string.Join(',', value.AsStrings()),
                _ when value.IsString => value.AsString(),
                _ => value.Data.Length.ToString(),
            };
        }

        _ = await key.GetClassNameAsync();
        foreach (var sub in await key.GetSubkeysAsync())
        {
            await WalkAsync(sub);
        }
    }

    private static byte[] Valid() => HiveWriter.Write(TestHives.Software());

    private static (HiveWriter Writer, uint Root) RootWithOneChild()
    {
        var tree = new HiveKey("ROOT");
        tree.Key("Child").DWord("X", 1);
        var writer = new HiveWriter();
        return (writer, writer.WriteKey(tree, HiveWriter.NoCell, isRoot: true));
    }

    private static byte[] RiBytes(uint target)
    {
        var ri = new byte[8];
        "ri"u8.CopyTo(ri);
        BinaryPrimitives.WriteUInt16LittleEndian(ri.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(ri.AsSpan(4), target);
        return ri;
    }

    /// <summary>A hive with key "K" holding one value; returns it and the value's "vk" cell offset.</summary>
    private static (byte[] Hive, int Vk) WithValue(string name, byte[] data)
    {
        var root = new HiveKey("ROOT");
        root.Key("K").Binary(name, data);
        var hive = HiveWriter.Write(root);
        return (hive, FindCell(hive, "vk", name, 20, 2));
    }

    /// <summary>Writes a field of the n-th "nk" cell called <paramref name="name"/>.</summary>
    private static void PatchKey(byte[] hive, string name, int field, uint value, int occurrence = 0, int width = 4)
    {
        var nk = FindCell(hive, "nk", name, 76, 72, occurrence);
        var at = hive.AsSpan(4096 + nk + CellData + field);
        if (width == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at, value);
        }
    }

    /// <summary>The offset of the n-th allocated cell with a signature and a Latin-1 name, walking the bins cell by cell.</summary>
    private static int FindCell(byte[] hive, string signature, string name, int nameAt, int lengthAt, int occurrence = 0)
    {
        for (var bin = 4096; bin < hive.Length; bin += BitConverter.ToInt32(hive, bin + 8))
        {
            for (var cell = bin + 32; cell < bin + BitConverter.ToInt32(hive, bin + 8); cell += Math.Abs(BitConverter.ToInt32(hive, cell)))
            {
                var data = cell + CellData;
                if (BitConverter.ToInt32(hive, cell) < 0 && Encoding.ASCII.GetString(hive, data, 2) == signature &&
                    Encoding.Latin1.GetString(hive, data + nameAt, BitConverter.ToUInt16(hive, data + lengthAt)) == name && occurrence-- == 0)
                {
                    return cell - 4096;
                }
            }
        }

        throw new InvalidOperationException($"No {signature} cell named {name}.");
    }

    private static async Task AssertCorruptAsync(byte[] hive, string? message) =>
        await AssertCorruptAsync(async () => await TestHives.OpenAsync(hive), message);

    private static async Task AssertSubkeysCorruptAsync(byte[] hive, string message, string lookup = "Child")
    {
        var opened = await TestHives.OpenAsync(hive);
        await AssertCorruptAsync(async () => await opened.Root.GetSubkeysAsync(), message);
        await AssertCorruptAsync(async () => await opened.Root.GetSubkeyAsync(lookup), message);
    }

    private static async Task AssertValueCorruptAsync(byte[] hive, string name, string message)
    {
        var key = (await (await TestHives.OpenAsync(hive)).OpenKeyAsync("K"))!;
        await AssertCorruptAsync(async () => await key.GetValueAsync(name), message);
        await AssertCorruptAsync(async () => await key.GetValuesAsync(), message);
    }

    private static async Task AssertCorruptAsync(Func<Task> action, string? message)
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CorruptHiveException>(action);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Refusing took {watch.Elapsed}.");
        if (message is not null)
        {
            Assert.Contains(message, error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
