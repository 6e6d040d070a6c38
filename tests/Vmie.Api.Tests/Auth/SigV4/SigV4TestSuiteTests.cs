using System.Security.Cryptography;
using System.Text;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Tests.Auth.SigV4;

/// <summary>
/// Cases of AWS's public SigV4 test suite (AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service"):
/// each signed request must verify, and with its signature altered the failure must report exactly the
/// suite's canonical request and string to sign.
/// </summary>
public sealed class SigV4TestSuiteTests
{
    private const string Date = "20150830T123600Z";
    private const string Scope = "20150830/us-east-1/service/aws4_request";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string StsToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    public static TheoryData<SuiteCase> Cases() =>
    [
        new("get-vanilla", "GET", "/", "", [], "", "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
        new("get-header-key-duplicate", "GET", "/", "", [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")], "", "host;my-header1;x-amz-date",
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" + EmptyHash,
            "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c"),
        new("get-header-value-order", "GET", "/", "", [("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2")], "", "host;my-header1;x-amz-date",
            "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3,value2\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" + EmptyHash,
            "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86"),
        new("get-header-value-trim", "GET", "/", "", [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")], "", "host;my-header1;my-header2;x-amz-date",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n" + EmptyHash,
            "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7"),
        new("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", [], "", "host;x-amz-date",
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
            "GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9"),
        new("get-vanilla-empty-query-key", "GET", "/", "Param1=value1", [], "", "host;x-amz-date",
            "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
            "GET\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "1e24db194ed7d0eec2de28d7369675a243488e08526e8c1c73571282f7c517ab"),
        new("get-vanilla-query-order-key", "GET", "/", "Param1=value2&Param1=Value1", [], "", "host;x-amz-date",
            "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1",
            "GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89"),
        new("get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", [], "", "host;x-amz-date",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"),
        new("get-vanilla-query-order-value", "GET", "/", "Param1=value2&Param1=value1", [], "", "host;x-amz-date",
            "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
            "GET\n/\nParam1=value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "c968629d70850097a2d8781c9bf7edcb988b04cac14cca9be4acc3595f884606"),
        new("get-vanilla-query-unreserved", "GET", "/", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [], "", "host;x-amz-date",
            "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
            "GET\n/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177"),
        new("get-vanilla-utf8-query (as sent: percent-encoded)", "GET", "/", "%E1%88%B4=bar", [], "", "host;x-amz-date",
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073"),
        new("get-vanilla-utf8-query (as written in the suite)", "GET", "/", "\u1234=bar", [], "", "host;x-amz-date",
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073"),
        new("post-header-key-case", "POST", "/", "", [], "", "host;x-amz-date",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"),
        new("post-header-key-sort", "POST", "/", "", [("My-Header1", "value1")], "", "host;my-header1;x-amz-date",
            "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
            "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" + EmptyHash,
            "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65"),
        new("post-header-value-case", "POST", "/", "", [("My-Header1", "VALUE1")], "", "host;my-header1;x-amz-date",
            "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
            "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:VALUE1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" + EmptyHash,
            "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93"),
        new("post-vanilla-query", "POST", "/", "Param1=value1", [], "", "host;x-amz-date",
            "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
            "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"),
        new("post-x-www-form-urlencoded", "POST", "/", "", [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "13")], "Param1=value1", "content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"),
        new("post-sts-header-before", "POST", "/", "", [("X-Amz-Security-Token", StsToken)], "", "host;x-amz-date;x-amz-security-token",
            "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:" + StsToken + "\n\nhost;x-amz-date;x-amz-security-token\n" + EmptyHash,
            "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6"),
        new("post-sts-header-after (token sent, not signed)", "POST", "/", "", [("X-Amz-Security-Token", StsToken)], "", "host;x-amz-date",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87"),

        // Path normalisation (every service but s3).
        new("get-relative", "GET", "/example/..", "", [], "", "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
        new("get-relative-relative", "GET", "/example1/example2/../..", "", [], "", "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
        new("get-slash", "GET", "//", "", [], "", "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
        new("get-slash-dot-slash", "GET", "/./", "", [], "", "host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"),
        new("get-slash-pointless-dot", "GET", "/./example", "", [], "", "host;x-amz-date",
            "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5",
            "GET\n/example\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702"),
        new("get-slashes", "GET", "//example//", "", [], "", "host;x-amz-date",
            "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
            "GET\n/example/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015"),
        new("get-space", "GET", "/example space/", "", [], "", "host;x-amz-date",
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
            "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Suite_request_verifies(SuiteCase suiteCase)
    {
        var outcome = Verifier().Verify(suiteCase.Request(suiteCase.Signature));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(suiteCase.Signature, outcome.Verified.Signature);
        Assert.Equal("us-east-1", outcome.Verified.Region);
        Assert.Equal("service", outcome.Verified.Service);
        Assert.Equal(Scope, outcome.Verified.Scope);
        Assert.Equal(AwsExampleCredentials.SuiteAccessKeyId, outcome.Verified.Credential.AccessKeyId);
        Assert.Equal(AwsExampleCredentials.SuiteTime, outcome.Verified.Timestamp);
        Assert.False(outcome.Verified.IsPresigned);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Altered_signature_reports_the_suite_canonical_request_and_string_to_sign(SuiteCase suiteCase)
    {
        var wrong = (suiteCase.Signature[0] == '0' ? "1" : "0") + suiteCase.Signature[1..];

        var outcome = Verifier().Verify(suiteCase.Request(wrong));

        Assert.False(outcome.Succeeded);
        Assert.Equal(SigV4FailureKind.SignatureMismatch, outcome.Failure.Kind);
        Assert.Equal(suiteCase.CanonicalRequest, outcome.Failure.CanonicalRequest);
        Assert.Equal($"AWS4-HMAC-SHA256\n{Date}\n{Scope}\n{suiteCase.StringToSignHash}", outcome.Failure.StringToSign);
        Assert.Equal(wrong, outcome.Failure.SignatureProvided);
        Assert.Equal(AwsExampleCredentials.SuiteAccessKeyId, outcome.Failure.AccessKeyId);
    }

    [Fact]
    public void Security_token_is_reported()
    {
        var sts = Cases().Cast<object[]>().Select(c => (SuiteCase)c[0]).Single(c => c.Name == "post-sts-header-before");

        var outcome = Verifier().Verify(sts.Request(sts.Signature));

        Assert.True(outcome.Succeeded);
        Assert.Equal(StsToken, outcome.Verified.SecurityToken);
    }

    private static SigV4Verifier Verifier() => new(
        new InMemoryCredentialStore((AwsExampleCredentials.SuiteAccessKeyId, AwsExampleCredentials.SuiteSecret)),
        new FixedClock(AwsExampleCredentials.SuiteTime));

    public sealed record SuiteCase(
        string Name,
        string Method,
        string RawPath,
        string RawQuery,
        (string Name, string Value)[] ExtraHeaders,
        string Body,
        string SignedHeaders,
        string Signature,
        string CanonicalRequest,
        string StringToSignHash)
    {
        public SigV4Request Request(string signature)
        {
            (string, string)[] headers =
            [
                ("Host", "example.amazonaws.com"),
                ("X-Amz-Date", Date),
                .. ExtraHeaders,
                ("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{Scope}, SignedHeaders={SignedHeaders}, Signature={signature}"),
            ];
            var bodyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body)));
            return new SigV4Request(Method, RawPath, RawQuery, HeaderList.Of(headers), bodyHash);
        }

        public override string ToString() => Name;
    }
}
