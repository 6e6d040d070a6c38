namespace Vmie.Ec2.Tasks;

/// <summary>
/// Maps the bytes a conversion has processed to the Progress percentage clients see: 3 while pending (as
/// AWS shows), rising with the bytes to 99, never 100 (the task completes instead and Progress disappears).
/// </summary>
public static class ImportProgress
{
    public const int Initial = 3;

    /// <summary>What an import-image task shows while pending, as AWS answers ImportImage.</summary>
    public const int ImageInitial = 2;
    public const int Last = 99;

    public static int FromBytes(long processed, long total)
    {
        if (total <= 0 || processed <= 0)
        {
            return Initial;
        }

        var fraction = Math.Min(1.0, (double)processed / total);
        return Math.Clamp(Initial + (int)(fraction * (Last - Initial)), Initial, Last);
    }
}
