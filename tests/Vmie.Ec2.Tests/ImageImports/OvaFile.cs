using System.Globalization;

namespace Vmie.Ec2.Tests.ImageImports;

/// <summary>Writes an OVA with tar: a minimal OVF 1.0 descriptor first, then the disk files in order.</summary>
internal static class OvaFile
{
    /// <param name="disks">Each disk's image file and the virtual size the descriptor declares.</param>
    public static string Write(string path, IReadOnlyList<(string File, long Capacity)> disks)
    {
        var directory = path + ".parts";
        Directory.CreateDirectory(directory);
        var names = new List<string>();
        var references = new List<string>();
        var entries = new List<string>();
        for (var i = 0; i < disks.Count; i++)
        {
            var name = $"disk{i + 1}{Path.GetExtension(disks[i].File)}";
            File.Copy(disks[i].File, Path.Combine(directory, name), overwrite: true);
            names.Add(name);
            references.Add($"<File ovf:id=\"file{i + 1}\" ovf:href=\"{name}\"/>");
            entries.Add($"<Disk ovf:diskId=\"vmdisk{i + 1}\" ovf:fileRef=\"file{i + 1}\" ovf:capacity=\"{disks[i].Capacity.ToString(CultureInfo.InvariantCulture)}\"/>");
        }

        File.WriteAllText(Path.Combine(directory, "vm.ovf"), $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
              <References>{string.Concat(references)}</References>
              <DiskSection><Info>Virtual disks</Info>{string.Concat(entries)}</DiskSection>
            </Envelope>
            """);
        ImageTool.Run("tar", "tar", ["--format=ustar", "-cf", path, "-C", directory, "vm.ovf", .. names]);
        Directory.Delete(directory, recursive: true);
        return path;
    }
}
