using System.Xml.Linq;
using Vmie.Disks.Detection;
using Vmie.Disks.Ova;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;

namespace Vmie.Disks.Tests.Ova;

public sealed class OvaWriterTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    /// <summary>A stream that refuses to seek, like an upload.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }

    [SkippableFact]
    public async Task Written_OVA_is_a_tar_that_GNU_tar_lists_and_extracts_and_our_reader_reads_back()
    {
        var boot = _disk.WriteStandardRaw("boot.raw", 1);
        var data = _disk.WriteStandardRaw("data.raw", 2);
        QemuImg.Convert(boot, _disk.PathOf("boot.vmdk"), "vmdk", "subformat=streamOptimized");
        QemuImg.Convert(data, _disk.PathOf("data.vmdk"), "vmdk", "subformat=streamOptimized");
        var name = "export-i-0123456789abcdef0 " + new string('v', 120);
        var description = new OvaExportDescription(name, 101, "otherLinux64Guest", 2, 2048, OvaFirmware.Efi, [
            new OvaExportDisk(_disk.PathOf("boot.vmdk"), QemuImg.VirtualSize(boot), 1 << 20),
            new OvaExportDisk(_disk.PathOf("data.vmdk"), QemuImg.VirtualSize(data), 1 << 20)]);

        var ova = _disk.PathOf("out.ova");
        await using (var file = File.Create(ova))
        {
            await OvaWriter.WriteAsync(new ForwardOnlyStream(file), description);
        }

        Assert.Equal(0, new FileInfo(ova).Length % 512);
        var listing = OvaFixture.Run(_disk.Directory, "tf", ova).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var safe = "export-i-0123456789abcdef0_" + new string('v', 120);
        Assert.Equal([safe + ".ovf", safe + "-disk1.vmdk", safe + "-disk2.vmdk", safe + ".mf"], listing);

        var extracted = Path.Combine(_disk.Directory, "x");
        Directory.CreateDirectory(extracted);
        OvaFixture.Run(extracted, "xf", ova);
        Assert.True(QemuImg.Same(Path.Combine(extracted, safe + "-disk1.vmdk"), boot));
        Assert.True(QemuImg.Same(Path.Combine(extracted, safe + "-disk2.vmdk"), data));
        Assert.Equal(0, QemuImg.Check(Path.Combine(extracted, safe + "-disk2.vmdk")));
        var xml = XDocument.Load(Path.Combine(extracted, safe + ".ovf"));
        Assert.Equal("Envelope", xml.Root!.Name.LocalName);
        Assert.Contains("vmx-08", xml.ToString(), StringComparison.Ordinal);
        Assert.Contains("lsilogic", xml.ToString(), StringComparison.Ordinal);

        await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(ova));
        Assert.Equal(DiskFormat.Ova, opened.Format);
        Assert.Equal("VMDK streamOptimized", opened.Subformat);
        Assert.Empty(opened.Warnings);
        var package = opened.Package!;
        Assert.True(await package.VerifyManifestAsync());
        Assert.Equal(2, package.Manifest!.Entries.Count(e => e.Algorithm == "SHA256" && e.FileName.EndsWith(".vmdk", StringComparison.Ordinal)));
        Assert.Equal(OvfEnvelopeWriter.StreamOptimizedFormat, package.Disks[0].Description.Format);
        Assert.Equal(new FileInfo(_disk.PathOf("boot.vmdk")).Length, package.Descriptor.Files[0].Size);
        await VirtualDiskAssert.SameAsRawAsync(opened.Disk, boot);
        await using var second = await package.Disks[1].OpenAsync();
        await VirtualDiskAssert.SameAsRawAsync(second.Disk, data);
    }

    [SkippableFact]
    public async Task Bios_VM_without_network_is_described_as_vmx_07_with_no_network_adapter()
    {
        var raw = _disk.WriteStandardRaw("disk.raw", 1);
        QemuImg.Convert(raw, _disk.PathOf("disk.vmdk"), "vmdk", "subformat=streamOptimized");
        var description = new OvaExportDescription("vm", 1, null, 1, 512, OvaFirmware.Bios, [new OvaExportDisk(_disk.PathOf("disk.vmdk"), QemuImg.VirtualSize(raw), 4096)])
        {
            NetworkName = null,
        };
        using var output = new MemoryStream();
        await OvaWriter.WriteAsync(output, description);

        await using var package = await OvaPackage.OpenAsync(new MemoryBlockSource(output.ToArray()));
        Assert.Equal("vm.ovf", package.Members[0].Name);
        var ovf = new byte[package.DescriptorMember.Size];
        Array.Copy(output.ToArray(), package.DescriptorMember.DataOffset, ovf, 0, ovf.Length);
        var text = System.Text.Encoding.UTF8.GetString(ovf);
        Assert.Contains("vmx-07", text, StringComparison.Ordinal);
        Assert.DoesNotContain("NetworkSection", text, StringComparison.Ordinal);
        Assert.DoesNotContain("firmware", text, StringComparison.Ordinal);
        Assert.True(await package.VerifyManifestAsync());
        await using var disk = await package.Disks[0].OpenAsync();
        await VirtualDiskAssert.SameAsRawAsync(disk.Disk, raw);
    }
}
