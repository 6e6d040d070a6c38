using Vmie.Ec2.Images;

namespace Vmie.Ec2.Tests.Images;

public sealed class ImageNamingTests
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("import-ami-0123456789abcdef0", true)]
    [InlineData("My AMI (2025) [prod] ./-'@_", true)]
    [InlineData("ab", false)]
    [InlineData("name!", false)]
    [InlineData("näme", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Names_follow_ec2s_rules(string? name, bool valid) => Assert.Equal(valid, ImageNameRules.IsValid(name));

    [Fact]
    public void Names_are_at_most_128_characters() =>
        Assert.Equal((true, false), (ImageNameRules.IsValid(new string('x', 128)), ImageNameRules.IsValid(new string('x', 129))));

    [Theory]
    [InlineData("/dev/sda1", true)]
    [InlineData("/dev/sdb", true)]
    [InlineData("/dev/xvda", true)]
    [InlineData("xvdba", true)]
    [InlineData("sdf", true)]
    [InlineData("/dev/sda16", false)]
    [InlineData("/dev/nvme0n1", false)]
    [InlineData("/dev/", false)]
    [InlineData("/dev/sdA", false)]
    public void Device_names_follow_ec2s_rules(string name, bool valid) => Assert.Equal(valid, DeviceNames.IsValid(name));

    [Fact]
    public void Imported_disks_get_sda1_then_sdb_onwards()
    {
        Assert.Equal(["/dev/sda1", "/dev/sdb", "/dev/sdc", "/dev/sdu"], new[] { 0, 1, 2, 20 }.Select(DeviceNames.ForImportedDisk));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeviceNames.ForImportedDisk(26));
    }
}
