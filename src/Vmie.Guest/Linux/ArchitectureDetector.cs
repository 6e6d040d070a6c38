using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Linux;

/// <summary>
/// The guest's architecture from the ELF header of its first common binary (libguestfs' arch_binaries),
/// followed through links such as /bin → usr/bin as the guest resolves them.
/// </summary>
public static class ArchitectureDetector
{
    private static readonly string[] Binaries = ["/bin/sh", "/bin/bash", "/bin/ls", "/bin/echo", "/bin/rm", "/usr/bin/bash", "/usr/bin/ls", "/usr/bin/env"];

    public static async ValueTask<(LinuxArchitecture Architecture, LinuxEvidence? Evidence)> DetectAsync(GuestFiles root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var header = new byte[ElfHeader.Length];
        foreach (var path in Binaries)
        {
            var node = await root.FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (node is null || node.Kind != GuestNodeKind.File || node.Size < ElfHeader.Length)
            {
                continue;
            }

            var filled = 0;
            while (filled < header.Length)
            {
                var read = await root.FileSystem.ReadAsync(node, filled, header.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            // A script (/bin/sh is sometimes one on busybox systems) or a damaged file: try the next binary.
            if (filled == header.Length && ElfHeader.TryParse(header) is { } elf)
            {
                return (elf.Architecture, new LinuxEvidence(path, 0, $"ELF {elf.Bits}-bit, e_machine {elf.Machine}"));
            }
        }

        return (LinuxArchitecture.Unknown, null);
    }
}
