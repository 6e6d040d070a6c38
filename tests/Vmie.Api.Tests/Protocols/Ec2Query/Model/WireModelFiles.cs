namespace Vmie.Api.Tests.Protocols.Ec2Query.Model;

/// <summary>Where the committed wire model lives in the source tree.</summary>
internal static class WireModelFiles
{
    public static string CommittedModelPath
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "vmie.slnx")))
                {
                    return Path.Combine(directory.FullName, "src", "Vmie.Api", "Protocols", "Ec2Query", "Model", "ec2-wire-model.json");
                }
            }

            throw new InvalidOperationException($"No vmie.slnx above {AppContext.BaseDirectory}.");
        }
    }
}
