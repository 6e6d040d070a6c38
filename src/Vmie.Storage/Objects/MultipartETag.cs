using System.Security.Cryptography;

namespace Vmie.Storage.Objects;

/// <summary>S3's ETag of a multipart object: hex(MD5(concatenated binary part MD5s)) + "-" + part count, quoted.</summary>
public static class MultipartETag
{
    public static string Compute(IReadOnlyList<byte[]> partMd5s)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var partMd5 in partMd5s)
        {
            md5.AppendData(partMd5);
        }

        return $"\"{Convert.ToHexStringLower(md5.GetCurrentHash())}-{partMd5s.Count}\"";
    }

    /// <summary>An ETag as clients send it back (quoted or not, any case) reduced to comparable form.</summary>
    public static string Normalize(string etag) => etag.Trim().Trim('"').ToLowerInvariant();
}
