using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Windows;

public sealed class WindowsPagefileTests
{
    [Theory]
    [InlineData(@"?:\pagefile.sys", true, false)]
    [InlineData(@"C:\pagefile.sys 0 0", true, false)]
    [InlineData(@"C:\pagefile.sys", true, false)]
    [InlineData(@"C:\pagefile.sys 4096 4096", false, true)]
    [InlineData(@"C:\pagefile.sys 1024 8192", false, true)]
    public void OneLine(string line, bool systemManaged, bool isFixed)
    {
        var pagefile = WindowsPagefile.Parse([line]);
        Assert.Equal(systemManaged, pagefile.IsSystemManaged);
        Assert.Equal(isFixed, pagefile.IsFixed);
        Assert.False(pagefile.IsDisabled);
    }

    [Fact]
    public void SeveralFilesAreFixedOnlyWhenAllAre()
    {
        Assert.True(WindowsPagefile.Parse([@"C:\pagefile.sys 2048 2048", @"D:\pagefile.sys 1024 1024"]).IsFixed);
        Assert.True(WindowsPagefile.Parse([@"C:\pagefile.sys 2048 2048", @"D:\pagefile.sys 0 0"]).IsSystemManaged);
    }

    [Fact]
    public void NoPagefile()
    {
        var pagefile = WindowsPagefile.Parse(["", "  "]);
        Assert.True(pagefile.IsDisabled);
        Assert.False(pagefile.IsFixed);
        Assert.False(pagefile.IsSystemManaged);
    }

    [Fact]
    public void EntryFields()
    {
        Assert.Equal(new WindowsPagefileEntry(@"C:\pagefile.sys", 1024, null), WindowsPagefileEntry.Parse(@"C:\pagefile.sys  1024"));
        Assert.Equal(new WindowsPagefileEntry(@"C:\pagefile.sys", null, null), WindowsPagefileEntry.Parse(@"C:\pagefile.sys x y"));
    }
}
