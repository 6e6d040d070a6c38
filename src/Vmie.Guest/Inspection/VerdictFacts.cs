using Vmie.Guest.Linux;
using Vmie.Guest.Volumes;

namespace Vmie.Guest.Inspection;

/// <summary>The facts <see cref="VerdictRules"/> judge: gathered by <see cref="GuestInspector"/>, or built by hand in tests.</summary>
public sealed record VerdictFacts
{
    /// <summary>The virtual size of each disk, boot disk first.</summary>
    public required IReadOnlyList<long> DiskVirtualSizes { get; init; }

    public IReadOnlyList<VolumeProblem> VolumeProblems { get; init; } = [];

    /// <summary>Devices holding a Linux root (an /etc with a release file or fstab).</summary>
    public IReadOnlyList<string> LinuxRootDevices { get; init; } = [];

    /// <summary>The inspection of the chosen Linux root, through its fstab-mounted view.</summary>
    public LinuxInspection? Linux { get; init; }

    /// <summary>The root file system's type as Linux names it (ext4, xfs, btrfs...).</summary>
    public string? LinuxRootFileSystemType { get; init; }

    /// <summary>For a Btrfs root: the subvolumes other than the top level (by path), and the default subvolume's id.</summary>
    public IReadOnlyList<string> BtrfsSubvolumes { get; init; } = [];

    public ulong? BtrfsDefaultSubvolumeId { get; init; }

    public BootModes BootModes { get; init; }

    /// <summary>The boot disk's EFI System Partition, when it has one.</summary>
    public EfiSystemPartitionContents? EfiSystemPartition { get; init; }

    public IReadOnlyList<InspectedMount> Mounts { get; init; } = [];

    public IReadOnlyList<WindowsSystemRoot> WindowsRoots { get; init; } = [];

    /// <summary>The verdicts of the Windows inspection (integration point in <see cref="GuestInspector"/>).</summary>
    public IReadOnlyList<Verdict> WindowsVerdicts { get; init; } = [];
}
