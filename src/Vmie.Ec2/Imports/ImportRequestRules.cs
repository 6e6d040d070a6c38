using System.Text.RegularExpressions;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tags;

namespace Vmie.Ec2.Imports;

/// <summary>
/// The checks ImportSnapshot and ImportImage requests share: the source of a disk (URL or bucket and key),
/// the role, the client token, encryption options, creation tags and text lengths.
/// </summary>
public static partial class ImportRequestRules
{
    public const string DefaultRoleName = "vmimport";
    public const int MaxDescriptionLength = 255;
    public const int MaxClientTokenLength = 64;

    /// <summary>
    /// Checks that a disk container names its source with exactly one of <paramref name="url"/> and
    /// <paramref name="userBucket"/>; <paramref name="parameter"/> is the container's parameter name in errors.
    /// </summary>
    public static DiskSource ParseSource(string parameter, string? url, UserBucket? userBucket)
    {
        var hasUrl = !string.IsNullOrEmpty(url);
        var hasBucket = userBucket is not null;
        if (hasUrl && hasBucket)
        {
            throw Ec2Errors.InvalidParameterCombination($"Give either {parameter}.Url or {parameter}.UserBucket, not both.");
        }

        if (!hasUrl && !hasBucket)
        {
            throw Ec2Errors.MissingParameter($"{parameter}.Url or {parameter}.UserBucket");
        }

        if (hasBucket)
        {
            if (string.IsNullOrEmpty(userBucket!.S3Bucket))
            {
                throw Ec2Errors.MissingParameter($"{parameter}.UserBucket.S3Bucket");
            }

            if (string.IsNullOrEmpty(userBucket.S3Key))
            {
                throw Ec2Errors.MissingParameter($"{parameter}.UserBucket.S3Key");
            }

            return new DiskSource(new ImportSourceLocation(userBucket.S3Bucket, userBucket.S3Key), null, null, FromUserBucket: true);
        }

        var (location, resolvable, echoed) = ParseUrl(url!);
        return new DiskSource(location, resolvable, echoed, FromUserBucket: false);
    }

    /// <summary>The URL without query string, fragment or user info: what may be shown back to anyone.</summary>
    public static string RedactUrl(string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        }

        var cut = url.IndexOfAny(['?', '#']);
        return cut < 0 ? url : url[..cut];
    }

    /// <summary>KmsKeyId only with Encrypted=true, as EC2 requires.</summary>
    public static void CheckEncryption(bool? encrypted, string? kmsKeyId)
    {
        if (!string.IsNullOrEmpty(kmsKeyId) && encrypted != true)
        {
            throw Ec2Errors.InvalidParameterCombination("KmsKeyId can only be given with Encrypted set to true.");
        }
    }

    /// <summary>The role the import would act as (default vmimport); returned checked, not looked up.</summary>
    public static string ValidateRoleName(string? roleName)
    {
        var name = string.IsNullOrEmpty(roleName) ? DefaultRoleName : roleName;
        if (!RoleNamePattern().IsMatch(name))
        {
            throw Ec2Errors.InvalidValue("RoleName", name, "A role name has 1 to 64 letters, digits and the characters +=,.@_-.");
        }

        return name;
    }

    /// <returns>The token, or null when none was given.</returns>
    public static string? ValidateClientToken(string? clientToken)
    {
        var token = string.IsNullOrEmpty(clientToken) ? null : clientToken;
        if (token is not null && (token.Length > MaxClientTokenLength || !token.All(c => c is >= ' ' and <= '~')))
        {
            throw Ec2Errors.InvalidValue("ClientToken", token, $"A client token has at most {MaxClientTokenLength} printable ASCII characters.");
        }

        return token;
    }

    /// <summary>One tag specification for <paramref name="kind"/>'s resource type, as the import operations accept.</summary>
    public static IReadOnlyList<ResourceTag> ValidateTagSpecifications(List<TagSpecification>? specifications, ResourceKind kind, string operation)
    {
        if (specifications is null || specifications.Count == 0)
        {
            return [];
        }

        var allowed = kind.ResourceType;
        if (specifications.Count > 1)
        {
            throw Ec2Errors.InvalidParameterValue($"Give one tag specification, for resource type '{allowed}'.");
        }

        var specification = specifications[0];
        if (string.IsNullOrEmpty(specification.ResourceType))
        {
            throw Ec2Errors.MissingParameter("TagSpecification.1.ResourceType");
        }

        if (specification.ResourceType != allowed)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"'{specification.ResourceType}' is not a valid taggable resource type for this operation; {operation} can tag '{allowed}'.");
        }

        return TagRules.ValidateForCreate(specification.Tags);
    }

    public static void CheckLength(string parameter, string? value, int maximum = MaxDescriptionLength)
    {
        if (value is not null && value.Length > maximum)
        {
            throw Ec2Errors.InvalidParameterValue($"The parameter {parameter} is longer than {maximum} characters.");
        }
    }

    private static (ImportSourceLocation? Location, Uri? Resolvable, string Echoed) ParseUrl(string url)
    {
        const string s3Scheme = "s3://";
        if (url.StartsWith(s3Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = url[s3Scheme.Length..];
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == path.Length - 1)
            {
                throw Ec2Errors.InvalidParameterValue($"Invalid S3 source location: the URL '{RedactUrl(url)}' must have the form s3://bucket/key.");
            }

            return (new ImportSourceLocation(path[..slash], path[(slash + 1)..]), null, url);
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return (null, uri, RedactUrl(url));
        }

        throw Ec2Errors.InvalidParameterValue(
            $"Invalid S3 source location: the URL '{RedactUrl(url)}' is not supported. Give s3://bucket/key, or an https:// URL of an object of this server (for example a presigned GET URL).");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleNamePattern();
}
