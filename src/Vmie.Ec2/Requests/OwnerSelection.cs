using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Requests;

/// <summary>
/// Who a Describe call asks about, for resources that are private to their owner (nothing is shared or public
/// in this vmie): whether the caller's own resources are among the answer.
/// </summary>
public static class OwnerSelection
{
    /// <summary>
    /// Owner.N of DescribeSnapshots and DescribeImages: "self", account IDs, "amazon" or "aws-marketplace".
    /// True when absent or when it names the caller; other owners own nothing visible here.
    /// </summary>
    public static bool IncludesCaller(IReadOnlyList<string>? owners, Ec2RequestContext context)
    {
        if (owners is null || owners.Count == 0)
        {
            return true;
        }

        var includesCaller = false;
        foreach (var owner in owners)
        {
            if (owner == "self" || owner == context.AccountId)
            {
                includesCaller = true;
            }
            else if (owner is not ("amazon" or "aws-marketplace") && !IsAccountId(owner))
            {
                throw InvalidUser(owner);
            }
        }

        return includesCaller;
    }

    /// <summary>
    /// ExecutableBy.N of DescribeImages: "self", "all" or account IDs. True when absent or when it names the
    /// caller, who can launch their own AMIs; "all" asks for public AMIs and other accounts for AMIs shared with
    /// them, and there are none of either.
    /// </summary>
    public static bool ExecutableByCaller(IReadOnlyList<string>? users, Ec2RequestContext context)
    {
        if (users is null || users.Count == 0)
        {
            return true;
        }

        var includesCaller = false;
        foreach (var user in users)
        {
            if (user == "self" || user == context.AccountId)
            {
                includesCaller = true;
            }
            else if (user != "all" && !IsAccountId(user))
            {
                throw InvalidUser(user);
            }
        }

        return includesCaller;
    }

    private static bool IsAccountId(string value) => value.Length == 12 && value.All(char.IsAsciiDigit);

    private static Ec2Exception InvalidUser(string value) => new("InvalidUserID.Malformed", $"Invalid user id: \"{value}\"");
}
