using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Imports;

/// <summary>
/// Everything about an ImportSnapshot request that can be checked without looking anything up: required
/// members, format, the source (URL or bucket and key), encryption options, tags, lengths.
/// </summary>
public static class ImportSnapshotRequestValidator
{
    public static ValidatedImportSnapshot Validate(ImportSnapshotRequest request)
    {
        var container = request.DiskContainer ?? throw Ec2Errors.MissingParameter("DiskContainer");
        var format = DiskImageFormat.ParseForImportSnapshot(container.Format);

        ImportRequestRules.CheckLength("Description", request.Description);
        ImportRequestRules.CheckLength("DiskContainer.Description", container.Description);
        ImportRequestRules.CheckLength("ClientData.Comment", request.ClientData?.Comment);

        var source = ImportRequestRules.ParseSource("DiskContainer", container.Url, container.UserBucket);
        ImportRequestRules.CheckEncryption(request.Encrypted, request.KmsKeyId);
        var roleName = ImportRequestRules.ValidateRoleName(request.RoleName);
        var clientToken = ImportRequestRules.ValidateClientToken(request.ClientToken);
        var tags = ImportRequestRules.ValidateTagSpecifications(request.TagSpecifications, ResourceKind.ImportSnapshotTask, "ImportSnapshot");

        var parameters = new ImportSnapshotParameters
        {
            Description = request.Description,
            DiskDescription = container.Description,
            Format = format,
            Url = source.EchoedUrl,
            S3Bucket = source.FromUserBucket ? source.Location!.Bucket : null,
            S3Key = source.FromUserBucket ? source.Location!.Key : null,
            Encrypted = request.Encrypted == true,
            KmsKeyId = string.IsNullOrEmpty(request.KmsKeyId) ? null : request.KmsKeyId,
            RoleName = roleName,
            ClientComment = request.ClientData?.Comment,
            ClientUploadStart = request.ClientData?.UploadStart,
            ClientUploadEnd = request.ClientData?.UploadEnd,
            ClientUploadSize = request.ClientData?.UploadSize,
            Tags = tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList(),
        };

        return new ValidatedImportSnapshot(parameters, tags, clientToken, source.Location, source.UrlToResolve);
    }
}
