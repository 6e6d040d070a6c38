using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class FstabTests
{
    [Fact]
    public void Parses_every_kind_of_spec_and_optional_fields()
    {
        var fstab = Fstab.Parse("""
            # /etc/fstab: static file system information.
            UUID=0a3407de-014b-458b-b5c1-848e92a327a3 /               ext4    errors=remount-ro 0       1
            LABEL=boot	/boot	xfs	defaults	0 2
            PARTUUID=6c586e13-01 /boot/efi vfat umask=0077 0 1
            /dev/mapper/vg-swap none swap sw 0 0
            proc /proc proc defaults
            tmpfs /tmp tmpfs
            /dev/sdb1 /mnt/My\040Disk ext3 noauto,nofail 0 0
            server:/export /srv nfs rw 0 0

            """);

        Assert.Empty(fstab.MalformedLines);
        Assert.Equal(8, fstab.Entries.Count);
        var root = fstab.EntryFor("/")!;
        Assert.Equal(FstabSpecKind.Uuid, root.SpecKind);
        Assert.Equal("0a3407de-014b-458b-b5c1-848e92a327a3", root.SpecValue);
        Assert.Equal("ext4", root.Type);
        Assert.Equal(["errors=remount-ro"], root.Options);
        Assert.Equal((0, 1), (root.Dump, root.Pass));
        Assert.Equal(2, root.Line);
        Assert.Equal(FstabSpecKind.Label, fstab.EntryFor("/boot")!.SpecKind);
        Assert.Equal(FstabSpecKind.PartUuid, fstab.EntryFor("/boot/efi")!.SpecKind);
        Assert.True(fstab.Entries[3].IsSwap);
        Assert.Equal(FstabSpecKind.DevicePath, fstab.Entries[3].SpecKind);
        Assert.Equal(["defaults"], fstab.EntryFor("/tmp")!.Options);
        Assert.Equal((0, 0), (fstab.EntryFor("/tmp")!.Dump, fstab.EntryFor("/tmp")!.Pass));
        Assert.True(fstab.EntryFor("/mnt/My Disk")!.HasOption("nofail"));
        Assert.Equal(FstabSpecKind.Other, fstab.EntryFor("/srv")!.SpecKind);
    }

    [Fact]
    public void Records_malformed_lines_with_their_numbers()
    {
        var fstab = Fstab.Parse("UUID=abc / ext4 defaults 0 1\n/dev/sda2\n/dev/sda3 /home ext4 defaults x 2\n/dev/sda4 /a ext4 defaults 0 2 extra\n");

        Assert.Single(fstab.Entries);
        Assert.Equal([2, 3, 4], fstab.MalformedLines.Select(line => line.Line));
        Assert.Equal("/dev/sda2", fstab.MalformedLines[0].Text);
    }

    [Fact]
    public void The_last_line_for_a_mount_point_wins()
    {
        var fstab = Fstab.Parse("/dev/sda1 / ext4 defaults 0 1\nLABEL=root / xfs defaults 0 1\n");

        Assert.Equal("xfs", fstab.EntryFor("/")!.Type);
    }
}
