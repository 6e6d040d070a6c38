using System.Collections.Concurrent;
using System.Text;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems.Fat;

/// <summary>
/// FAT images built once per test run with mkfs.vfat and filled with mcopy/mmd from one source tree, and
/// mdir to cross-check them. Each configuration names the FAT width and mkfs options it exercises.
/// </summary>
internal static class FatTestImages
{
    public const int ManyCount = 300;
    public const string UnicodeName = "Grüße-日本語-ñ.txt";

    public static readonly IReadOnlyDictionary<string, (string Fat, string[] Options, int SizeKiB)> Configurations = new Dictionary<string, (string, string[], int)>
    {
        ["fat12"] = ("Fat12", ["-F", "12"], 4096),
        ["fat16"] = ("Fat16", ["-F", "16", "-s", "4"], 32768),
        ["fat16-4k-sectors"] = ("Fat16", ["-F", "16", "-S", "4096", "-s", "1"], 65536),
        ["fat32"] = ("Fat32", ["-F", "32", "-s", "1"], 49152),
    };

    private static readonly string Root = ExternalTool.ScratchPath("fat");
    private static readonly Lazy<string> Source = new(BuildSource);
    private static readonly ConcurrentDictionary<string, Lazy<string>> Images = new();

    public static TheoryData<string> Names => [.. Configurations.Keys];

    public static string SourceTree => Source.Value;

    public static string Image(string name) => Images.GetOrAdd(name, key => new Lazy<string>(() => Build(key))).Value;

    /// <summary>A private copy of an image, for tests that damage it.</summary>
    public static string Copy(string name, string purpose)
    {
        var copy = Path.Combine(Root, $"{name}-{purpose}-{Guid.NewGuid():n}.img");
        File.Copy(Image(name), copy, overwrite: true);
        return copy;
    }

    public static string Mtools(string program, params string[] arguments) => ExternalTool.Run(program, "mtools", arguments);

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static string Build(string name)
    {
        var (_, options, sizeKiB) = Configurations[name];
        Directory.CreateDirectory(Root);
        var image = Path.Combine(Root, name + ".img");
        File.Delete(image);
        ExternalTool.Run("mkfs.vfat", "dosfstools", [.. options, "-n", name.ToUpperInvariant()[..Math.Min(11, name.Length)], "-C", image, sizeKiB.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var entries = Directory.GetFileSystemEntries(SourceTree);
        Mtools("mcopy", ["-s", "-Q", "-i", image, .. entries, "::"]);
        Mtools("mmd", "-i", image, "::/Empty Dir");
        return image;
    }

    private static string BuildSource()
    {
        var source = Path.Combine(Root, "source");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "empty"), []);
        File.WriteAllBytes(Path.Combine(source, "one"), "x"u8.ToArray());
        foreach (var size in (int[])[511, 512, 513, 4095, 4096, 4097, 50_000, 300_000])
        {
            File.WriteAllBytes(Path.Combine(source, $"f{size}.bin"), Pattern(size, size));
        }

        File.WriteAllText(Path.Combine(source, "UPPER.TXT"), "upper\n");
        File.WriteAllText(Path.Combine(source, "lower.txt"), "lower\n");
        File.WriteAllText(Path.Combine(source, "MiXeD.Txt"), "mixed\n");
        File.WriteAllText(Path.Combine(source, "A Rather Long File Name With Spaces.text"), "long\n");
        File.WriteAllText(Path.Combine(source, UnicodeName), "unicode\n");

        var boot = Path.Combine(source, "EFI", "BOOT");
        Directory.CreateDirectory(boot);
        File.WriteAllBytes(Path.Combine(boot, "BOOTX64.EFI"), Pattern(150_000, 64));
        var debian = Path.Combine(source, "EFI", "debian");
        Directory.CreateDirectory(debian);
        File.WriteAllBytes(Path.Combine(debian, "grubx64.efi"), Pattern(70_000, 65));
        File.WriteAllText(Path.Combine(debian, "grub.cfg"), "search.fs_uuid 1234 root\nconfigfile $prefix/grub.cfg\n", new UTF8Encoding(false));

        var deep = source;
        for (var i = 1; i <= 12; i++)
        {
            deep = Path.Combine(deep, $"level{i:D2}");
        }

        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "leaf.txt"), "deep leaf\n");

        var many = Path.Combine(source, "many");
        Directory.CreateDirectory(many);
        for (var i = 0; i < ManyCount; i++)
        {
            File.WriteAllText(Path.Combine(many, $"entry-with-a-longish-name-{i:D5}.txt"), $"{i}\n");
        }

        return source;
    }
}
