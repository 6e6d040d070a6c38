using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class ElfAndArchitectureTests
{
    /// <summary>A 64-byte ELF header: class, byte order and e_machine are what the detector reads.</summary>
    internal static byte[] Header(byte elfClass, byte byteOrder, ushort machine)
    {
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = elfClass;
        header[5] = byteOrder;
        header[6] = 1;
        header[16] = 2;
        if (byteOrder == 1)
        {
            header[18] = (byte)machine;
            header[19] = (byte)(machine >> 8);
        }
        else
        {
            header[18] = (byte)(machine >> 8);
            header[19] = (byte)machine;
        }

        return header;
    }

    [Theory]
    [InlineData(2, 1, 62, LinuxArchitecture.X86_64)]
    [InlineData(1, 1, 3, LinuxArchitecture.I386)]
    [InlineData(2, 1, 183, LinuxArchitecture.Aarch64)]
    [InlineData(1, 1, 40, LinuxArchitecture.Other)]
    [InlineData(2, 2, 22, LinuxArchitecture.Other)]
    [InlineData(2, 2, 21, LinuxArchitecture.Other)]
    [InlineData(1, 1, 62, LinuxArchitecture.Other)]
    public void Reads_class_and_machine(byte elfClass, byte byteOrder, ushort machine, LinuxArchitecture expected)
    {
        var elf = ElfHeader.TryParse(Header(elfClass, byteOrder, machine));

        Assert.NotNull(elf);
        Assert.Equal(machine, elf.Value.Machine);
        Assert.Equal(expected, elf.Value.Architecture);
    }

    [Fact]
    public void Rejects_what_is_not_elf()
    {
        Assert.Null(ElfHeader.TryParse("#!/bin/sh\nexec busybox sh\n"u8));
        Assert.Null(ElfHeader.TryParse(Header(3, 1, 62)));
        Assert.Null(ElfHeader.TryParse(Header(2, 0, 62)));
        Assert.Null(ElfHeader.TryParse(Header(2, 1, 62).AsSpan(0, 19)));
    }

    [SkippableFact]
    public async Task This_machines_sh_is_x86_64_through_the_bin_link()
    {
        Skip.IfNot(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64, "needs an x86_64 host");
        var sh = File.ReadAllBytes("/bin/sh");
        var root = LinuxTree.Root(new Dictionary<string, string>(), new Dictionary<string, byte[]> { ["/usr/bin/sh"] = sh });

        var (architecture, evidence) = await ArchitectureDetector.DetectAsync(root);

        Assert.Equal(LinuxArchitecture.X86_64, architecture);
        Assert.Equal("/bin/sh", evidence!.Path);
    }

    [Fact]
    public async Task A_script_sh_is_passed_over_for_the_next_binary()
    {
        var root = LinuxTree.Root(
            new Dictionary<string, string> { ["/usr/bin/sh"] = "#!/bin/busybox sh\n" + new string(' ', 40) },
            new Dictionary<string, byte[]> { ["/usr/bin/ls"] = Header(1, 1, 3) });

        var (architecture, evidence) = await ArchitectureDetector.DetectAsync(root);

        Assert.Equal(LinuxArchitecture.I386, architecture);
        Assert.Equal("/bin/ls", evidence!.Path);
    }

    [Fact]
    public async Task Aarch64_bash()
    {
        var root = LinuxTree.Root(new Dictionary<string, string>(), new Dictionary<string, byte[]> { ["/usr/bin/bash"] = Header(2, 1, 183) });

        Assert.Equal(LinuxArchitecture.Aarch64, (await ArchitectureDetector.DetectAsync(root)).Architecture);
    }

    [Fact]
    public async Task No_binaries_is_unknown()
    {
        Assert.Equal(LinuxArchitecture.Unknown, (await ArchitectureDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string>()))).Architecture);
    }
}
