namespace Vmie.Guest.Windows;

/// <summary>What kind of installation SOFTWARE's CurrentVersion\InstallationType names.</summary>
public enum WindowsInstallationType
{
    /// <summary>No InstallationType value and no other clue (Windows before 7 / 2008 R2 did not write one).</summary>
    Unknown,

    /// <summary>A desktop edition ("Client").</summary>
    Client,

    /// <summary>A server with the desktop experience ("Server").</summary>
    Server,

    /// <summary>"Server Core".</summary>
    ServerCore,

    /// <summary>"Nano Server": not supported by VM Import (spec §4.2.2 footnote 3).</summary>
    NanoServer,
}
