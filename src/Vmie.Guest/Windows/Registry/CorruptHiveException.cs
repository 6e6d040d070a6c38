namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// A registry hive is damaged, truncated or hostile: a bad signature or checksum, an offset outside the hive,
/// a loop in a subkey list, a count or size beyond what the hive or the reader's limits allow.
/// </summary>
public sealed class CorruptHiveException : Exception
{
    public CorruptHiveException(string message)
        : base(message)
    {
    }

    public CorruptHiveException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
