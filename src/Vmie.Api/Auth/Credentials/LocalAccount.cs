using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vmie.Api.Auth.Credentials;

/// <summary>
/// The account and access key pair of an embedded vmie, kept in the data directory
/// (credentials.json, readable by its owner only) so they stay the same across restarts.
/// </summary>
public sealed class LocalAccount : ICredentialStore
{
    public const string FileName = "credentials.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private LocalAccount(AccessCredential credential, bool created)
    {
        Credential = credential;
        Created = created;
    }

    public AccessCredential Credential { get; }

    /// <summary>True when this start created the account (first start).</summary>
    public bool Created { get; }

    public AccessCredential? Find(string accessKeyId) =>
        string.Equals(accessKeyId, Credential.AccessKeyId, StringComparison.Ordinal) ? Credential : null;

    /// <summary>
    /// Loads the account from the data directory, creating it on first use. Values given explicitly
    /// (flags or environment) win over the stored ones and are stored for the next start.
    /// </summary>
    public static LocalAccount LoadOrCreate(string dataDirectory, string? accountId = null, string? accessKeyId = null, string? secretAccessKey = null)
    {
        if ((accessKeyId is null) != (secretAccessKey is null))
        {
            throw new ArgumentException("An access key id and a secret access key must be given together.");
        }

        if (accountId is not null && (accountId.Length != 12 || !accountId.All(char.IsAsciiDigit)))
        {
            throw new ArgumentException($"The account id must be 12 digits, not '{accountId}'.");
        }

        if (accessKeyId is not null && (accessKeyId.Length is < 16 or > 128 || !accessKeyId.All(char.IsAsciiLetterOrDigit)))
        {
            throw new ArgumentException("The access key id must be 16 to 128 letters or digits.");
        }

        if (secretAccessKey is not null && secretAccessKey.Length < 16)
        {
            throw new ArgumentException("The secret access key must be at least 16 characters long.");
        }

        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        StoredAccount? stored = null;
        if (File.Exists(path))
        {
            try
            {
                stored = JsonSerializer.Deserialize<StoredAccount>(File.ReadAllText(path), JsonOptions);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The credentials file '{path}' is not valid JSON: {e.Message}", e);
            }

            if (stored is null || string.IsNullOrEmpty(stored.AccountId) || string.IsNullOrEmpty(stored.AccessKeyId) || string.IsNullOrEmpty(stored.SecretAccessKey))
            {
                throw new InvalidDataException($"The credentials file '{path}' lacks accountId, accessKeyId or secretAccessKey.");
            }
        }

        var created = stored is null;
        var account = new StoredAccount
        {
            AccountId = accountId ?? stored?.AccountId ?? NewAccountId(),
            AccessKeyId = accessKeyId ?? stored?.AccessKeyId ?? NewAccessKeyId(),
            SecretAccessKey = secretAccessKey ?? stored?.SecretAccessKey ?? NewSecretAccessKey(),
        };

        if (stored is null || stored.AccountId != account.AccountId || stored.AccessKeyId != account.AccessKeyId || stored.SecretAccessKey != account.SecretAccessKey)
        {
            Write(path, account);
        }

        var credential = new AccessCredential(account.AccessKeyId, account.SecretAccessKey, account.AccountId, $"arn:aws:iam::{account.AccountId}:root");
        return new LocalAccount(credential, created);
    }

    private static void Write(string path, StoredAccount account)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, account, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static string NewAccountId()
    {
        // 12 digits, never starting with 0, like AWS account ids.
        var digits = new char[12];
        digits[0] = (char)('1' + RandomNumberGenerator.GetInt32(9));
        for (var i = 1; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new string(digits);
    }

    private static string NewAccessKeyId() =>
        "AKIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);

    private static string NewSecretAccessKey() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);

    private sealed class StoredAccount
    {
        [JsonPropertyName("accountId")]
        public string AccountId { get; set; } = "";

        [JsonPropertyName("accessKeyId")]
        public string AccessKeyId { get; set; } = "";

        [JsonPropertyName("secretAccessKey")]
        public string SecretAccessKey { get; set; } = "";
    }
}
