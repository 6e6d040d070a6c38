using Vmie.Guest.FileSystems;
using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.FileSystems;

public sealed class GuestFilesTests
{
    private static readonly GuestFiles Guest = new(new TreeFileSystem(new Dictionary<string, string>
    {
        ["etc/os-release"] = "ID=debian\n",
        ["etc/system-release"] = "-> redhat-release",
        ["etc/redhat-release"] = "Rocky Linux release 9.3\n",
        ["etc/alternatives/"] = "",
        ["usr/lib/os-release"] = "ID=fedora\n",
        ["etc/escape"] = "-> ../../../../../usr/lib/os-release",
        ["etc/absolute"] = "-> /usr/lib/os-release",
        ["bin"] = "-> usr/bin",
        ["usr/bin/sh"] = "ELF",
        ["loop/a"] = "-> b",
        ["loop/b"] = "-> a",
        ["dangling"] = "-> /nowhere",
        ["file-as-dir"] = "text",
    }));

    [Theory]
    [InlineData("/etc/os-release", "ID=debian\n")]
    [InlineData("etc/os-release", "ID=debian\n")]
    [InlineData("/etc//./os-release", "ID=debian\n")]
    [InlineData("/etc/alternatives/../os-release", "ID=debian\n")]
    [InlineData("/etc/system-release", "Rocky Linux release 9.3\n")]
    [InlineData("/etc/absolute", "ID=fedora\n")]
    [InlineData("/bin/sh", "ELF")]
    public async Task Paths_resolve_as_the_guest_resolves_them(string path, string expected) =>
        Assert.Equal(expected, await Guest.ReadAllTextAsync(path));

    [Fact]
    public async Task Dot_dot_and_absolute_link_targets_never_leave_the_guest_root() =>
        Assert.Equal("ID=fedora\n", await Guest.ReadAllTextAsync("/etc/escape"));

    [Theory]
    [InlineData("/loop/a")]
    [InlineData("/dangling")]
    [InlineData("/missing")]
    [InlineData("/file-as-dir/child")]
    [InlineData("/etc/alternatives")]
    public async Task Loops_dangling_links_and_missing_files_read_as_absent(string path) =>
        Assert.Null(await Guest.ReadAllTextAsync(path));

    [Fact]
    public async Task A_link_itself_is_found_without_following_it()
    {
        var link = await Guest.FindAsync("/etc/system-release", followLastLink: false);
        Assert.Equal(GuestNodeKind.Symlink, link!.Kind);
        Assert.Equal(GuestNodeKind.File, (await Guest.FindAsync("/etc/system-release"))!.Kind);
    }

    [Fact]
    public async Task Listing_follows_links_to_directories()
    {
        var names = new List<string>();
        await foreach (var entry in Guest.ListAsync("/bin"))
        {
            names.Add(entry.Name);
        }

        Assert.Equal(["sh"], names);
    }

    [Fact]
    public async Task Files_over_the_limit_are_refused_not_read()
    {
        var error = await Assert.ThrowsAsync<GuestFileTooLargeException>(async () => await Guest.ReadAllBytesAsync("/etc/os-release", maxBytes: 4));
        Assert.Equal("/etc/os-release", error.Path);
    }

    [Fact]
    public async Task Case_insensitive_file_systems_match_any_case()
    {
        var windows = new GuestFiles(new TreeFileSystem(new Dictionary<string, string> { ["Windows/System32/config/SOFTWARE"] = "regf" }, caseInsensitive: true));
        Assert.Equal("regf", await windows.ReadAllTextAsync("/windows/system32/CONFIG/software"));
    }

    [Fact]
    public async Task A_stream_reads_and_seeks_within_the_file()
    {
        var node = (await Guest.FindAsync("/etc/redhat-release"))!;
        await using var stream = Guest.OpenRead(node);
        stream.Position = 6;
        var buffer = new byte[5];
        await stream.ReadExactlyAsync(buffer);
        Assert.Equal("Linux"u8.ToArray(), buffer);
        Assert.Equal(node.Size, stream.Length);
    }
}
