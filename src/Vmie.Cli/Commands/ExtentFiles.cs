using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;

namespace Vmie.Cli.Commands;

/// <summary>Opens the extent files a VMDK descriptor names, from the descriptor's own directory.</summary>
internal static class ExtentFiles
{
    public static Func<string, IBlockSource> Beside(string descriptorPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(descriptorPath))!;
        return name => FileBlockSource.Open(Path.Combine(directory, name));
    }
}
