using System.Security.Cryptography;
using System.Text;

namespace Vmie.Guest.Linux;

/// <summary>
/// Reads what inspection needs from a GRUB 2 grub.cfg: menuentries (title, --id or $menuentry_id_option id,
/// linux/linux16/linuxefi and initrd lines) inside any nesting of submenus, the default ("set default=..."
/// outside entries; the one-shot "${next_entry}" branch is ignored, the last other assignment wins as GRUB
/// runs the file top to bottom), whether blscfg is called, and configfile hand-overs.
/// </summary>
public static class Grub2ConfigParser
{
    private const int MaxEntries = 10_000;
    private const int MaxDepth = 64;

    private static readonly HashSet<string> KernelCommands = new(StringComparer.Ordinal) { "linux", "linux16", "linuxefi" };
    private static readonly HashSet<string> InitrdCommands = new(StringComparer.Ordinal) { "initrd", "initrd16", "initrdefi" };

    public static GrubConfiguration Parse(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var entries = new List<GrubMenuEntry>();
        var configFiles = new List<string>();
        string? defaultSetting = null;
        LinuxEvidence? defaultEvidence = null;
        var usesBlscfg = false;
        var frames = new Stack<Frame>();
        frames.Push(new Frame(FrameKind.Menu, null, "", ""));
        Frame? pendingFrame = null;

        foreach (var command in GrubScriptTokenizer.Tokenize(content))
        {
            var words = command.Words;
            var name = words[0];
            var unquotedLast = !command.Quoted[^1] && words[^1] == "{";
            var current = frames.Peek();
            if (name == "}" && !command.Quoted[0])
            {
                if (frames.Count > 1)
                {
                    Close(frames.Pop());
                }

                continue;
            }

            if (name == "{" && !command.Quoted[0] && pendingFrame is not null)
            {
                Open(pendingFrame);
                pendingFrame = null;
                continue;
            }

            switch (name)
            {
                case "menuentry" or "submenu" when words.Count > 1:
                    {
                        var kind = name == "menuentry" ? FrameKind.Entry : FrameKind.Menu;
                        var index = current.Kind == FrameKind.Menu ? current.ChildCount++ : 0;
                        var separator = current.TitlePath.Length > 0 ? ">" : "";
                        var id = IdOf(words);
                        var frame = new Frame(kind, words[1], current.TitlePath + separator + words[1], current.IndexPath + separator + index)
                        {
                            Id = id,
                            IdPath = id is null || (separator.Length > 0 && current.IdPath is null) ? null : current.IdPath + separator + id,
                            Evidence = new LinuxEvidence(path, command.Line, command.Text),
                        };
                        if (unquotedLast)
                        {
                            Open(frame);
                        }
                        else
                        {
                            pendingFrame = frame;
                        }

                        break;
                    }

                case "function":
                    {
                        var frame = new Frame(FrameKind.Function, null, current.TitlePath, current.IndexPath) { IdPath = current.IdPath };
                        if (unquotedLast)
                        {
                            Open(frame);
                        }
                        else
                        {
                            pendingFrame = frame;
                        }

                        break;
                    }

                case var kernel when KernelCommands.Contains(kernel) && current.Kind == FrameKind.Entry && words.Count > 1:
                    current.KernelPath = words[1];
                    current.CommandLine = string.Join(' ', words.Skip(2));
                    break;

                case var initrd when InitrdCommands.Contains(initrd) && current.Kind == FrameKind.Entry:
                    current.Initrds.AddRange(words.Skip(1));
                    break;

                case "set" when words.Count > 1 && words[1].StartsWith("default=", StringComparison.Ordinal) && !InsideEntry(frames):
                    {
                        var value = words[1]["default=".Length..];
                        if (!value.Contains("next_entry", StringComparison.Ordinal))
                        {
                            defaultSetting = value;
                            defaultEvidence = new LinuxEvidence(path, command.Line, command.Text);
                        }

                        break;
                    }

                case "blscfg" when !InsideEntry(frames):
                    usesBlscfg = true;
                    break;

                case "configfile" when words.Count > 1 && !InsideEntry(frames):
                    configFiles.Add(words[1]);
                    break;
            }

        }

        return new GrubConfiguration(path, GrubFlavor.Grub2, entries, defaultSetting, defaultEvidence, usesBlscfg, configFiles, HashOf(content));

        void Open(Frame frame)
        {
            if (frames.Count >= MaxDepth)
            {
                throw new InvalidDataException($"{path}: menus nested deeper than {MaxDepth} levels.");
            }

            frames.Push(frame);
        }

        void Close(Frame frame)
        {
            if (frame.Kind == FrameKind.Entry && entries.Count < MaxEntries)
            {
                entries.Add(new GrubMenuEntry(frame.Title!, frame.Id, frame.TitlePath, frame.IndexPath, frame.KernelPath, frame.CommandLine, frame.Initrds, null, null, frame.Evidence!) { IdPath = frame.IdPath });
            }
        }
    }

    /// <summary>SHA-256 of a configuration's text, lines trimmed of trailing blanks, to tell copies from different files.</summary>
    public static string HashOf(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var normalised = string.Join('\n', content.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(line => line.TrimEnd())).TrimEnd('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    private static bool InsideEntry(Stack<Frame> frames) => frames.Any(frame => frame.Kind == FrameKind.Entry);

    private static string? IdOf(IReadOnlyList<string> words)
    {
        for (var i = 2; i < words.Count; i++)
        {
            if ((words[i] == "--id" || words[i] == "$menuentry_id_option") && i + 1 < words.Count)
            {
                return words[i + 1];
            }

            if (words[i].StartsWith("--id=", StringComparison.Ordinal))
            {
                return words[i]["--id=".Length..];
            }
        }

        return null;
    }

    private enum FrameKind
    {
        Menu,
        Entry,
        Function,
    }

    private sealed class Frame(FrameKind kind, string? title, string titlePath, string indexPath)
    {
        public FrameKind Kind => kind;

        public string? Title => title;

        public string TitlePath => titlePath;

        public string IndexPath => indexPath;

        public int ChildCount { get; set; }

        public string? Id { get; init; }

        public string? IdPath { get; init; } = "";

        public LinuxEvidence? Evidence { get; init; }

        public string? KernelPath { get; set; }

        public string? CommandLine { get; set; }

        public List<string> Initrds { get; } = [];
    }
}
