using System.Globalization;
using System.Text.RegularExpressions;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Ova;

/// <summary>
/// An OVF manifest (.mf, DSP0243 §5.1): one line per file, "SHA1(name)= hex" or "SHA256(name)= hex"
/// (SHA512 also accepted), giving the digest of each file of the package.
/// </summary>
public sealed partial class OvaManifest
{
    /// <summary>Largest manifest read; one line per file makes real ones tiny.</summary>
    public const int MaxManifestBytes = 1 << 20;

    private OvaManifest(IReadOnlyList<OvaManifestEntry> entries) => Entries = entries;

    public IReadOnlyList<OvaManifestEntry> Entries { get; }

    public static OvaManifest Parse(string text, string manifestName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<OvaManifestEntry>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var match = LinePattern().Match(line);
            if (!match.Success)
            {
                throw new InvalidDiskImageException($"The OVA manifest '{manifestName}' has a line {lineNumber} that is not \"ALGORITHM(file)= digest\".");
            }

            var algorithm = match.Groups["algorithm"].Value.ToUpperInvariant();
            var expectedLength = algorithm switch
            {
                "SHA1" => 20,
                "SHA256" => 32,
                "SHA512" => 64,
                _ => throw new UnsupportedDiskImageException($"The OVA manifest '{manifestName}' uses the digest algorithm {algorithm} (line {lineNumber}); only SHA1, SHA256 and SHA512 are supported."),
            };
            var hex = match.Groups["digest"].Value;
            if (hex.Length != expectedLength * 2)
            {
                throw new InvalidDiskImageException($"The OVA manifest '{manifestName}' has a {algorithm} digest of the wrong length on line {lineNumber}.");
            }

            entries.Add(new OvaManifestEntry(algorithm, match.Groups["name"].Value, Convert.FromHexString(hex)));
        }

        return new OvaManifest(entries);
    }

    [GeneratedRegex(@"^(?<algorithm>[A-Za-z0-9]+)\s*\((?<name>[^()]+)\)\s*=\s*(?<digest>[0-9A-Fa-f]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LinePattern();
}

/// <summary>One manifest line: the algorithm (SHA1, SHA256, SHA512), the file name and the expected digest.</summary>
public sealed record OvaManifestEntry(string Algorithm, string FileName, byte[] Digest)
{
    public string DigestHex => Convert.ToHexString(Digest).ToLower(CultureInfo.InvariantCulture);
}
