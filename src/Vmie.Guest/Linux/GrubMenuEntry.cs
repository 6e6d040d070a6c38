namespace Vmie.Guest.Linux;

/// <summary>
/// A boot entry as GRUB would show it: a GRUB 2 menuentry (possibly inside submenus), a GRUB legacy title or
/// a Boot Loader Specification entry. <see cref="TitlePath"/> and <see cref="IndexPath"/> are the "a>b" forms
/// GRUB's default accepts; <see cref="BlsId"/> is the entry file's name without ".conf" for BLS entries.
/// </summary>
public sealed record GrubMenuEntry(
    string Title,
    string? Id,
    string TitlePath,
    string IndexPath,
    string? KernelPath,
    string? KernelCommandLine,
    IReadOnlyList<string> InitrdPaths,
    string? BlsId,
    string? Version,
    LinuxEvidence Evidence)
{
    /// <summary>The ids of the submenus and the entry, "a>b" as GRUB's default accepts; null when an id is missing.</summary>
    public string? IdPath { get; init; }

    /// <summary>The kernel version the entry boots, from its version key or the image's name (vmlinuz-VERSION).</summary>
    public string? KernelVersion => Version ?? KernelVersionOf(KernelPath);

    public static string? KernelVersionOf(string? kernelPath)
    {
        if (kernelPath is null)
        {
            return null;
        }

        var name = kernelPath[(kernelPath.LastIndexOf('/') + 1)..];
        foreach (var prefix in new[] { "vmlinuz-", "vmlinux-", "Image-" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length)
            {
                return name[prefix.Length..];
            }
        }

        return null;
    }
}
