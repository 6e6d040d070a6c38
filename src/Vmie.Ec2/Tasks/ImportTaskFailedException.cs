namespace Vmie.Ec2.Tasks;

/// <summary>
/// A task cannot go on because of its input (missing or empty source, unreadable image...): it ends deleted
/// with <see cref="StatusMessage"/>, which starts with "ClientError:".
/// </summary>
public sealed class ImportTaskFailedException : Exception
{
    public ImportTaskFailedException(string statusMessage)
        : base(statusMessage)
    {
    }

    public string StatusMessage => Message;
}
