using System.Buffers.Binary;

namespace Vmie.Guest.Linux;

/// <summary>
/// The start of an ELF file (System V ABI, "ELF Header"): e_ident (magic, EI_CLASS at 4, EI_DATA at 5) and
/// e_machine at offset 18, in the byte order EI_DATA names.
/// </summary>
public readonly record struct ElfHeader(int Bits, bool LittleEndian, ushort Machine)
{
    /// <summary>Bytes needed to read the fields used here.</summary>
    public const int Length = 20;

    private const ushort MachineI386 = 3;
    private const ushort MachineX86_64 = 62;
    private const ushort MachineAarch64 = 183;

    public LinuxArchitecture Architecture => (Bits, Machine) switch
    {
        (64, MachineX86_64) => LinuxArchitecture.X86_64,
        (32, MachineI386) => LinuxArchitecture.I386,
        (64, MachineAarch64) => LinuxArchitecture.Aarch64,
        _ => LinuxArchitecture.Other,
    };

    /// <summary>The header of <paramref name="data"/>, or null when it is not an ELF file.</summary>
    public static ElfHeader? TryParse(ReadOnlySpan<byte> data)
    {
        if (data.Length < Length || !data.StartsWith("\u007fELF"u8))
        {
            return null;
        }

        int bits = data[4] switch { 1 => 32, 2 => 64, _ => 0 };
        bool? little = data[5] switch { 1 => true, 2 => false, _ => null };
        if (bits == 0 || little is null)
        {
            return null;
        }

        var machine = little.Value ? BinaryPrimitives.ReadUInt16LittleEndian(data[18..]) : BinaryPrimitives.ReadUInt16BigEndian(data[18..]);
        return new ElfHeader(bits, little.Value, machine);
    }
}
