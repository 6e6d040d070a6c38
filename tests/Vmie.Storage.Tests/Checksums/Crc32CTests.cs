using Vmie.Storage.Checksums;

namespace Vmie.Storage.Tests.Checksums;

public sealed class Crc32CTests
{
    [Fact]
    public void Matches_the_catalogued_check_value_as_number_and_big_endian_bytes()
    {
        var crc = new Crc32C();
        crc.Append("1234"u8);
        crc.Append("56789"u8);

        Assert.Equal(0xE3069283u, Crc32C.HashToUInt32("123456789"u8));
        Assert.Equal(0xE3069283u, crc.GetCurrentHashAsUInt32());
        Assert.Equal(Convert.FromHexString("E3069283"), crc.GetCurrentHash());
    }
}
