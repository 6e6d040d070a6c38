using Vmie.Ec2.Errors;
using Vmie.Ec2.Volumes;

namespace Vmie.Ec2.Tests.Volumes;

public sealed class VolumeTypeRulesTests
{
    [Theory]
    [InlineData(null, 8, null, null, "gp3", 3000, 125)]
    [InlineData("GP3", 100, 6000, 250, "gp3", 6000, 250)]
    [InlineData("gp3", 1, 3000, null, "gp3", 3000, 125)]
    [InlineData("gp2", 1, null, null, "gp2", 100, null)]
    [InlineData("gp2", 1000, null, null, "gp2", 3000, null)]
    [InlineData("gp2", 16000, null, null, "gp2", 16000, null)]
    [InlineData("io1", 4, 200, null, "io1", 200, null)]
    [InlineData("io2", 100, 100000, null, "io2", 100000, null)]
    [InlineData("sc1", 125, null, null, "sc1", null, null)]
    [InlineData("standard", 1024, null, null, "standard", null, null)]
    public void Defaults_and_limits_are_ebss(string? type, int size, int? iops, int? throughput, string expectedType, int? expectedIops, int? expectedThroughput)
    {
        var configuration = VolumeTypeRules.Resolve(type, size, iops, throughput, VolumeTypeRules.Gp3);
        Assert.Equal(new VolumeConfiguration(expectedType, size, expectedIops, expectedThroughput), configuration);
    }

    [Theory]
    [InlineData("gp3", 0, null, null, "InvalidParameterValue")]
    [InlineData("io1", 3, 100, null, "InvalidParameterValue")]
    [InlineData("st1", 124, null, null, "InvalidParameterValue")]
    [InlineData("standard", 1025, null, null, "InvalidParameterValue")]
    [InlineData("gp3", 10, 2000, null, "InvalidParameterValue")]
    [InlineData("gp3", 10, 6000, null, "InvalidParameterValue")]
    [InlineData("gp3", 100, 16001, null, "InvalidParameterValue")]
    [InlineData("gp3", 100, 3000, 1001, "InvalidParameterValue")]
    [InlineData("gp3", 100, 3000, 800, "InvalidParameterValue")]
    [InlineData("gp3", 100, null, 100, "InvalidParameterValue")]
    [InlineData("io1", 10, 501, null, "InvalidParameterValue")]
    [InlineData("io1", 10, null, null, "MissingParameter")]
    [InlineData("gp2", 10, 300, null, "InvalidParameterCombination")]
    [InlineData("io2", 10, 1000, 200, "InvalidParameterCombination")]
    [InlineData("gp4", 10, null, null, "InvalidParameterValue")]
    public void Out_of_limits_values_are_refused(string type, int size, int? iops, int? throughput, string code)
    {
        var error = Assert.Throws<Ec2Exception>(() => VolumeTypeRules.Resolve(type, size, iops, throughput, VolumeTypeRules.Gp3));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Messages_are_ec2s()
    {
        Assert.Equal("Volume of 3GiB is too small; minimum is 4GiB.", Assert.Throws<Ec2Exception>(() => VolumeTypeRules.Resolve("io1", 3, 100, null, VolumeTypeRules.Gp3)).Message);
        Assert.Equal("The parameter iops is not supported for gp2 volumes.", Assert.Throws<Ec2Exception>(() => VolumeTypeRules.Resolve("gp2", 3, 100, null, VolumeTypeRules.Gp3)).Message);
    }
}
