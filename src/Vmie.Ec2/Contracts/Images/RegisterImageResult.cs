namespace Vmie.Ec2.Contracts.Images;

public sealed class RegisterImageResult
{
    public string? ImageId { get; set; }
}
