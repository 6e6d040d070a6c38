using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Paging;

/// <summary>Checks MaxResults against the range an operation allows.</summary>
public static class PageSize
{
    /// <returns>The page size, or null for "everything" when <paramref name="maxResults"/> is absent.</returns>
    public static int? Resolve(int? maxResults, int minimum, int maximum)
    {
        if (maxResults is not { } value)
        {
            return null;
        }

        if (value < minimum || value > maximum)
        {
            throw Ec2Errors.InvalidValue("MaxResults", value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Expecting a value between {minimum} and {maximum}.");
        }

        return value;
    }
}
