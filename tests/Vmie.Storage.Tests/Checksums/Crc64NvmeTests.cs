using Vmie.Storage.Checksums;

namespace Vmie.Storage.Tests.Checksums;

public sealed class Crc64NvmeTests
{
    [Fact]
    public void Matches_the_catalogued_check_value_as_number_and_big_endian_bytes()
    {
        var crc = new Crc64Nvme();
        crc.Append("1234"u8);
        crc.Append("56789"u8);

        Assert.Equal(0xAE8B14860A799888UL, Crc64Nvme.HashToUInt64("123456789"u8));
        Assert.Equal(0xAE8B14860A799888UL, crc.GetCurrentHashAsUInt64());
        Assert.Equal(Convert.FromHexString("AE8B14860A799888"), crc.GetCurrentHash());
    }
}
