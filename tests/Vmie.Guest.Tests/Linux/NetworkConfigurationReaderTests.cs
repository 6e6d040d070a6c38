using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class NetworkConfigurationReaderTests
{
    [Fact]
    public async Task Ubuntu_netplan_with_a_predictable_name()
    {
        var network = await NetworkConfigurationReader.ReadAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/netplan/00-installer-config.yaml"] = "# This is the network config written by 'subiquity'\nnetwork:\n  ethernets:\n    ens33:\n      dhcp4: true\n    enp0s8:\n      addresses:\n      - 192.168.56.10/24\n  version: 2\n",
            ["/etc/netplan/50-cloud-init.yaml"] = "network:\n    version: 2\n    ethernets:\n        eth0:\n            dhcp4: true\n            match:\n                macaddress: 02:00:00:00:00:01\n            set-name: eth0\n",
        }));

        Assert.Equal([NetworkConfigurationStyle.Netplan], network.Styles);
        Assert.Equal(["ens33", "enp0s8", "eth0"], network.InterfaceNames);
        Assert.Equal(["ens33", "enp0s8"], network.PredictableNames.Select(reference => reference.Name));
        Assert.Equal(new LinuxEvidence("/etc/netplan/00-installer-config.yaml", 4, "ens33:"), network.Interfaces[0].Evidence);
    }

    [Fact]
    public async Task Debian_ifupdown_with_interfaces_d()
    {
        var network = await NetworkConfigurationReader.ReadAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/network/interfaces"] = "source /etc/network/interfaces.d/*\n\n# The loopback network interface\nauto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n",
            ["/etc/network/interfaces.d/enp1s0"] = "auto enp1s0\niface enp1s0 inet static\n    address 10.0.0.5/24\n",
        }));

        Assert.Equal([NetworkConfigurationStyle.Ifupdown], network.Styles);
        Assert.Equal(["eth0", "enp1s0"], network.InterfaceNames);
        Assert.Single(network.PredictableNames.Select(reference => reference.Name).Distinct());
    }

    [Fact]
    public async Task Rhel_ifcfg_networkmanager_and_networkd()
    {
        var network = await NetworkConfigurationReader.ReadAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/sysconfig/network-scripts/ifcfg-eth0"] = "DEVICE=\"eth0\"\nBOOTPROTO=\"dhcp\"\nONBOOT=\"yes\"\nTYPE=\"Ethernet\"\n",
            ["/etc/sysconfig/network-scripts/ifcfg-ens192"] = "TYPE=Ethernet\nBOOTPROTO=none\nIPADDR=10.1.1.5\n",
            ["/etc/sysconfig/network-scripts/ifcfg-lo"] = "DEVICE=lo\n",
            ["/etc/sysconfig/network-scripts/ifup-eth"] = "#!/bin/bash\n",
            ["/etc/NetworkManager/system-connections/Wired connection 1.nmconnection"] = "[connection]\nid=Wired connection 1\ntype=ethernet\ninterface-name=enp0s3\n\n[ipv4]\nmethod=auto\n",
            ["/etc/systemd/network/10-eth.network"] = "[Match]\nName=eth0 eth1\n\n[Network]\nDHCP=yes\n",
            ["/etc/systemd/network/10-persistent.link"] = "[Match]\nMACAddress=02:00:00:00:00:01\n\n[Link]\nName=wlp2s0\n",
        }));

        Assert.Equal([NetworkConfigurationStyle.NetworkScripts, NetworkConfigurationStyle.NetworkManager, NetworkConfigurationStyle.SystemdNetworkd], network.Styles);
        Assert.Equal(["ens192", "eth0", "enp0s3", "eth1", "wlp2s0"], network.InterfaceNames);
        Assert.Equal(["ens192", "enp0s3", "wlp2s0"], network.PredictableNames.Select(reference => reference.Name));
    }

    [Theory]
    [InlineData("ens33", true)]
    [InlineData("enp0s3", true)]
    [InlineData("eno1", true)]
    [InlineData("enx0242ac110002", true)]
    [InlineData("wlp2s0", true)]
    [InlineData("enP1p0s0", true)]
    [InlineData("eth0", false)]
    [InlineData("wlan0", false)]
    [InlineData("lo", false)]
    [InlineData("br0", false)]
    [InlineData("ens", false)]
    [InlineData("enable", false)]
    public void Tells_predictable_names(string name, bool predictable)
    {
        Assert.Equal(predictable, NetworkInterfaceReference.IsPredictable(name));
    }

    [Fact]
    public async Task No_configuration()
    {
        var network = await NetworkConfigurationReader.ReadAsync(LinuxTree.Root(new Dictionary<string, string>()));

        Assert.Empty(network.Styles);
        Assert.Empty(network.Interfaces);
    }
}
