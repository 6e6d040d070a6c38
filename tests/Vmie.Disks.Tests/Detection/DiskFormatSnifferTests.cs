using System.Formats.Tar;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;

namespace Vmie.Disks.Tests.Detection;

public sealed class DiskFormatSnifferTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    [SkippableTheory]
    [InlineData("raw", null, "image.raw", DiskFormat.Raw)]
    [InlineData("vmdk", "subformat=streamOptimized", "image.vmdk", DiskFormat.Vmdk)]
    [InlineData("vmdk", "subformat=monolithicSparse", "image.vmdk", DiskFormat.Vmdk)]
    [InlineData("vmdk", "subformat=monolithicFlat", "image.vmdk", DiskFormat.VmdkDescriptor)]
    [InlineData("vpc", "subformat=fixed", "image.vhd", DiskFormat.Vhd)]
    [InlineData("vpc", "subformat=dynamic", "image.vhd", DiskFormat.Vhd)]
    [InlineData("vhdx", null, "image.vhdx", DiskFormat.Vhdx)]
    [InlineData("qcow2", null, "image.qcow2", DiskFormat.Qcow2)]
    [InlineData("vdi", null, "image.vdi", DiskFormat.Vdi)]
    public async Task Each_format_is_told_from_its_content(string qemuFormat, string? options, string name, DiskFormat expected)
    {
        var raw = _disk.WriteStandardRaw();
        var image = _disk.PathOf(name);
        QemuImg.Convert(raw, image, qemuFormat, options);

        await using var source = FileBlockSource.Open(image);
        Assert.Equal(expected, await DiskFormatSniffer.DetectAsync(source));
    }

    [Fact]
    public async Task A_tar_archive_is_an_ova()
    {
        var ova = _disk.PathOf("appliance.ova");
        await using (var file = File.Create(ova))
        await using (var tar = new TarWriter(file, TarEntryFormat.Ustar))
        {
            var descriptor = _disk.PathOf("appliance.ovf");
            await File.WriteAllTextAsync(descriptor, "<Envelope/>");
            await tar.WriteEntryAsync(descriptor, "appliance.ovf");
        }

        await using var source = FileBlockSource.Open(ova);
        Assert.Equal(DiskFormat.Ova, await DiskFormatSniffer.DetectAsync(source));
    }

    [Fact]
    public async Task An_empty_or_tiny_file_is_raw()
    {
        await File.WriteAllBytesAsync(_disk.PathOf("empty"), []);
        await File.WriteAllBytesAsync(_disk.PathOf("tiny"), [1, 2, 3]);
        await using var empty = FileBlockSource.Open(_disk.PathOf("empty"));
        await using var tiny = FileBlockSource.Open(_disk.PathOf("tiny"));
        Assert.Equal(DiskFormat.Raw, await DiskFormatSniffer.DetectAsync(empty));
        Assert.Equal(DiskFormat.Raw, await DiskFormatSniffer.DetectAsync(tiny));
    }

    [Theory]
    [InlineData("raw", DiskFormat.Raw)]
    [InlineData("VMDK", DiskFormat.Vmdk)]
    [InlineData("vmdk", DiskFormat.VmdkDescriptor)]
    [InlineData("Vhd", DiskFormat.Vhd)]
    [InlineData("VHDX", DiskFormat.Vhdx)]
    [InlineData("ova", DiskFormat.Ova)]
    public void Declared_formats_that_match_the_content_are_accepted_whatever_their_case(string declared, DiskFormat detected) =>
        Assert.Null(DiskFormatSniffer.Mismatch(declared, detected));

    [Theory]
    [InlineData("VMDK", DiskFormat.Vhd, "The file is a VHD image, not VMDK; declare the format VHD")]
    [InlineData("RAW", DiskFormat.Vhdx, "The file is a VHDX image, not RAW; declare the format VHDX")]
    [InlineData("VHD", DiskFormat.Raw, "The file has no VHD signature; it is not a VHD image (if it is a raw disk, declare the format RAW)")]
    [InlineData("RAW", DiskFormat.Qcow2, "The file is a QCOW2 image, which is not a supported format; convert it to VMDK, VHD, VHDX or raw first")]
    [InlineData("OVA", DiskFormat.VmdkDescriptor, "The file is a VMDK descriptor image, not OVA; declare the format VMDK")]
    public void A_mismatch_says_what_the_file_really_is(string declared, DiskFormat detected, string message) =>
        Assert.Equal(message, DiskFormatSniffer.Mismatch(declared, detected));
}
