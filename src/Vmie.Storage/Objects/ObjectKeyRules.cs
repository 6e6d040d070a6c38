using System.Text;

namespace Vmie.Storage.Objects;

/// <summary>
/// What a key may be. Keys never reach the file system (bodies are named by generated ids), so these rules
/// are about S3 compatibility and about what XML can carry: 1..1024 bytes of UTF-8; NUL and unpaired
/// surrogates (which have no UTF-8 form) are refused with InvalidArgument.
/// </summary>
public static class ObjectKeyRules
{
    public const int MaxKeyBytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Validate(string bucket, string key)
    {
        if (key.Length == 0)
        {
            throw ObjectStoreErrors.InvalidArgument("Object keys must be at least one character long.", bucket);
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            throw ObjectStoreErrors.InvalidArgument("Object keys must not contain the NUL character.", bucket);
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            throw ObjectStoreErrors.InvalidArgument("Object keys must be valid Unicode (the key contains an unpaired surrogate).", bucket);
        }

        if (byteCount > MaxKeyBytes)
        {
            throw new ObjectStoreException("KeyTooLongError", "Your key is too long", bucket);
        }
    }
}
