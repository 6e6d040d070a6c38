using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class ShellAssignmentFileTests
{
    [Theory]
    [InlineData("A=plain", "plain")]
    [InlineData("A=\"double quoted\"", "double quoted")]
    [InlineData("A='single $quoted'", "single $quoted")]
    [InlineData("A=\"esc\\\"aped \\$x \\\\ \\`\"", "esc\"aped $x \\ `")]
    [InlineData("A=\"keeps \\n\"", "keeps \\n")]
    [InlineData("A=un\\ quoted", "un quoted")]
    [InlineData("A=glued\"to\"'gether'", "gluedtogether")]
    [InlineData("A=value # trailing comment", "value")]
    [InlineData("export A=exported", "exported")]
    [InlineData("A=", "")]
    public void Unquotes_values_as_os_release_says(string line, string expected)
    {
        Assert.Equal(expected, ShellAssignmentFile.Parse("/f", line + "\n")["A"]);
    }

    [Theory]
    [InlineData("A=\"unterminated")]
    [InlineData("A='unterminated")]
    [InlineData("# A=commented")]
    [InlineData("1A=bad name")]
    [InlineData("A B=bad name")]
    public void Ignores_lines_that_are_not_assignments(string line)
    {
        Assert.Null(ShellAssignmentFile.Parse("/f", line + "\n")["A"]);
    }

    [Fact]
    public void The_last_assignment_wins_and_carries_its_line()
    {
        var file = ShellAssignmentFile.Parse("/etc/os-release", "A=1\r\nB=2\r\nA=3\r\n");

        Assert.Equal("3", file["A"]);
        Assert.Equal(new LinuxEvidence("/etc/os-release", 3, "A=3"), file.EvidenceFor("A"));
    }
}
