namespace Vmie.Guest.Linux;

/// <summary>The network configuration systems a Linux root has files for.</summary>
public enum NetworkConfigurationStyle
{
    /// <summary>Debian's ifupdown: /etc/network/interfaces and interfaces.d.</summary>
    Ifupdown,

    /// <summary>Ubuntu's netplan: /etc/netplan/*.yaml.</summary>
    Netplan,

    /// <summary>Red Hat's initscripts: /etc/sysconfig/network-scripts/ifcfg-*.</summary>
    NetworkScripts,

    /// <summary>SUSE's wicked: /etc/sysconfig/network/ifcfg-*.</summary>
    SuseSysconfig,

    /// <summary>NetworkManager keyfiles: /etc/NetworkManager/system-connections/*.</summary>
    NetworkManager,

    /// <summary>systemd-networkd: /etc/systemd/network/*.network and *.link.</summary>
    SystemdNetworkd,
}
