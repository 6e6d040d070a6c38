namespace Vmie.Api.Tests.Protocols.Ec2Query.Model;

/// <summary>A fact that runs only when VMIE_BOTOCORE_EC2_MODEL names a botocore EC2 model to regenerate from.</summary>
internal sealed class RegenerationFactAttribute : FactAttribute
{
    public const string VariableName = "VMIE_BOTOCORE_EC2_MODEL";

    public RegenerationFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(VariableName)))
        {
            Skip = $"Set {VariableName} to botocore's ec2 service-2.json(.gz) (or a subset of it) to regenerate ec2-wire-model.json.";
        }
    }
}
