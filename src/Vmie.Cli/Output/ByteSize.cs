namespace Vmie.Cli.Output;

/// <summary>Sizes as people read them: "2 GiB (2147483648 bytes)".</summary>
internal static class ByteSize
{
    public static string Format(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} bytes" : $"{value:0.##} {units[unit]} ({bytes} bytes)";
    }
}
