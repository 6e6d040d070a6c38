using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

/// <summary>ImportImage requests as the spec's examples make them.</summary>
internal static class ImportImageRequests
{
    public static ImageDiskContainer Disk(string format, string key, string? description = null) => new()
    {
        Description = description,
        Format = format,
        UserBucket = new UserBucket { S3Bucket = Ec2TestHost.Bucket, S3Key = key },
    };

    /// <summary>Spec §2.3, containers.json: one OVA in a bucket.</summary>
    public static ImportImageRequest Ova(string key = "vms/my-server-vm.ova") => new()
    {
        Description = "My server VM",
        DiskContainers = [Disk("ova", key, "My Server OVA")],
    };

    /// <summary>Spec §2.3, multi-disk: two VMDKs.</summary>
    public static ImportImageRequest TwoVmdks() => new()
    {
        DiskContainers =
        [
            Disk("vmdk", "disks/my-server-vm-disk1.vmdk", "First disk"),
            Disk("vmdk", "disks/my-server-vm-disk2.vmdk", "Second disk"),
        ],
    };
}
