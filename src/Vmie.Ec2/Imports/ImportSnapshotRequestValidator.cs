using System.Text.RegularExpressions;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tags;

namespace Vmie.Ec2.Imports;

/// <summary>
/// Everything about an ImportSnapshot request that can be checked without looking anything up: required
/// members, format, the source (URL or bucket and key), encryption options, tags, lengths.
/// </summary>
public static partial class ImportSnapshotRequestValidator
{
    public const string DefaultRoleName = "vmimport";
    public const int MaxDescriptionLength = 255;
    public const int MaxClientTokenLength = 64;

    public static ValidatedImportSnapshot Validate(ImportSnapshotRequest request)
    {
        var container = request.DiskContainer ?? throw Ec2Errors.MissingParameter("DiskContainer");
        var format = DiskImageFormat.ParseForImportSnapshot(container.Format);

        CheckLength("Description", request.Description, MaxDescriptionLength);
        CheckLength("DiskContainer.Description", container.Description, MaxDescriptionLength);
        CheckLength("ClientData.Comment", request.ClientData?.Comment, MaxDescriptionLength);

        var hasUrl = !string.IsNullOrEmpty(container.Url);
        var hasBucket = container.UserBucket is not null;
        if (hasUrl && hasBucket)
        {
            throw Ec2Errors.InvalidParameterCombination("Give either DiskContainer.Url or DiskContainer.UserBucket, not both.");
        }

        if (!hasUrl && !hasBucket)
        {
            throw Ec2Errors.MissingParameter("DiskContainer.Url or DiskContainer.UserBucket");
        }

        ImportSourceLocation? location = null;
        Uri? resolvableUrl = null;
        string? echoedUrl = null;
        if (hasBucket)
        {
            var bucket = container.UserBucket!;
            if (string.IsNullOrEmpty(bucket.S3Bucket))
            {
                throw Ec2Errors.MissingParameter("DiskContainer.UserBucket.S3Bucket");
            }

            if (string.IsNullOrEmpty(bucket.S3Key))
            {
                throw Ec2Errors.MissingParameter("DiskContainer.UserBucket.S3Key");
            }

            location = new ImportSourceLocation(bucket.S3Bucket, bucket.S3Key);
        }
        else
        {
            (location, resolvableUrl, echoedUrl) = ParseUrl(container.Url!);
        }

        if (!string.IsNullOrEmpty(request.KmsKeyId) && request.Encrypted != true)
        {
            throw Ec2Errors.InvalidParameterCombination("KmsKeyId can only be given with Encrypted set to true.");
        }

        var roleName = string.IsNullOrEmpty(request.RoleName) ? DefaultRoleName : request.RoleName;
        if (!RoleNamePattern().IsMatch(roleName))
        {
            throw Ec2Errors.InvalidValue("RoleName", roleName, "A role name has 1 to 64 letters, digits and the characters +=,.@_-.");
        }

        var clientToken = string.IsNullOrEmpty(request.ClientToken) ? null : request.ClientToken;
        if (clientToken is not null && (clientToken.Length > MaxClientTokenLength || !clientToken.All(c => c is >= ' ' and <= '~')))
        {
            throw Ec2Errors.InvalidValue("ClientToken", clientToken, $"A client token has at most {MaxClientTokenLength} printable ASCII characters.");
        }

        var tags = ValidateTagSpecifications(request.TagSpecifications);

        var parameters = new ImportSnapshotParameters
        {
            Description = request.Description,
            DiskDescription = container.Description,
            Format = format,
            Url = echoedUrl,
            S3Bucket = hasBucket ? location!.Bucket : null,
            S3Key = hasBucket ? location!.Key : null,
            Encrypted = request.Encrypted == true,
            KmsKeyId = string.IsNullOrEmpty(request.KmsKeyId) ? null : request.KmsKeyId,
            RoleName = roleName,
            ClientComment = request.ClientData?.Comment,
            ClientUploadStart = request.ClientData?.UploadStart,
            ClientUploadEnd = request.ClientData?.UploadEnd,
            ClientUploadSize = request.ClientData?.UploadSize,
            Tags = tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList(),
        };

        return new ValidatedImportSnapshot(parameters, tags, clientToken, location, resolvableUrl);
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

    private static IReadOnlyList<ResourceTag> ValidateTagSpecifications(List<TagSpecification>? specifications)
    {
        if (specifications is null || specifications.Count == 0)
        {
            return [];
        }

        var allowed = ResourceKind.ImportSnapshotTask.ResourceType;
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
                $"'{specification.ResourceType}' is not a valid taggable resource type for this operation; ImportSnapshot can tag '{allowed}'.");
        }

        return TagRules.ValidateForCreate(specification.Tags);
    }

    private static void CheckLength(string parameter, string? value, int maximum)
    {
        if (value is not null && value.Length > maximum)
        {
            throw Ec2Errors.InvalidParameterValue($"The parameter {parameter} is longer than {maximum} characters.");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleNamePattern();
}
