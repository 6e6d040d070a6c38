using System.Globalization;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Tests.Auth.SigV4;

public sealed class SigV4VerifierTests
{
    private const string AccessKeyId = "AKIAVMIETEST0000001";
    private const string Secret = "vmie/secret+Key/0123456789abcdefghijklmnopqrstu";
    private const string Host = "vmie.example:8080";
    private const string Region = "eu-west-3";
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    [Fact]
    public void Request_signed_with_the_header_verifies()
    {
        var outcome = Verify(Signed(Now));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(AccessKeyId, outcome.Verified.Credential.AccessKeyId);
        Assert.Equal("ec2", outcome.Verified.Service);
        Assert.Equal(Region, outcome.Verified.Region);
        Assert.Equal(Now, outcome.Verified.Timestamp);
        Assert.Equal("20250314T150926Z", outcome.Verified.TimestampText);
        Assert.Equal(Stamp(Now)[..8] + "/eu-west-3/ec2/aws4_request", outcome.Verified.Scope);
        Assert.Equal(TestSigner.SigningKey(Secret, "20250314", Region, "ec2"), outcome.Verified.SigningKey.ToArray());
        var caller = outcome.Verified.ToCaller();
        Assert.Equal("123456789012", caller.AccountId);
        Assert.Equal("ec2", caller.Service);
    }

    [Fact]
    public void Request_without_authentication_is_missing()
    {
        var outcome = Verify(new SigV4Request("GET", "/", "Action=DescribeImages", HeaderList.Of(("Host", Host)), PayloadHashes.EmptyBody));

        Assert.Equal(SigV4FailureKind.Missing, outcome.Failure?.Kind);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256", "Credential")]
    [InlineData("AWS AKIAVMIETEST0000001:c2lnbmF0dXJl", "Signature Version 2")]
    [InlineData("AWS4-ECDSA-P256-SHA256 Credential=AKIAVMIETEST0000001/20250314/ec2/aws4_request, SignedHeaders=host, Signature=00", "SigV4a")]
    [InlineData("Bearer abc", "Unsupported Authorization Type")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2, SignedHeaders=host;x-amz-date, Signature=00", "Credential is mal-formed")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2/aws5_request, SignedHeaders=host;x-amz-date, Signature=00", "Credential is mal-formed")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/2025-03-14/eu-west-3/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "Credential is mal-formed")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2/aws4_request, Signature=00", "SignedHeaders")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2/aws4_request, SignedHeaders=host, Signature=00, Signature=01", "more than once")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2/aws4_request, SignedHeaders=host, Signature=00, Extra=1", "malformed")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2/aws4_request, SignedHeaders=x-amz-date, Signature=00", "host")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAVMIETEST0000001/20250314/eu-west-3/ec2/aws4_request, SignedHeaders=host;;x-amz-date, Signature=00", "SignedHeaders")]
    public void Malformed_authorization_header_says_what(string authorization, string expectedInMessage)
    {
        var request = new SigV4Request("POST", "/", "", HeaderList.Of(("Host", Host), ("X-Amz-Date", Stamp(Now)), ("Authorization", authorization)), PayloadHashes.EmptyBody);

        var outcome = Verify(request);

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains(expectedInMessage, outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scope_date_must_be_the_request_date()
    {
        var request = Signed(Now, scopeDate: "20250313");

        var outcome = Verify(request);

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains("credential date", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_without_any_date_is_malformed()
    {
        var outcome = Verify(Signed(Now, useDefaultDate: false));

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Equal("AWS authentication requires a valid Date or x-amz-date header", outcome.Failure!.Message);
    }

    [Fact]
    public void Badly_formatted_x_amz_date_is_malformed()
    {
        var outcome = Verify(Signed(Now, dateHeader: ("X-Amz-Date", "2025-03-14T15:09:26Z")));

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains("ISO8601", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_header_is_the_timestamp_when_x_amz_date_is_absent()
    {
        var date = Now.ToString("r", CultureInfo.InvariantCulture);

        var outcome = Verify(Signed(Now, dateHeader: ("Date", date)));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(Now, outcome.Verified.Timestamp);
        Assert.Equal("20250314T150926Z", outcome.Verified.TimestampText);
    }

    [Fact]
    public void Unknown_access_key_is_reported_with_the_key()
    {
        var request = Signed(Now, accessKeyId: "AKIAUNKNOWN000000000");

        var outcome = Verify(request);

        Assert.Equal(SigV4FailureKind.UnknownAccessKey, outcome.Failure?.Kind);
        Assert.Equal("AKIAUNKNOWN000000000", outcome.Failure!.AccessKeyId);
        Assert.Equal("The AWS Access Key Id you provided does not exist in our records.", outcome.Failure.Message);
    }

    [Theory]
    [InlineData(-899)]
    [InlineData(899)]
    [InlineData(-900)]
    [InlineData(900)]
    public void Clock_skew_up_to_15_minutes_is_accepted(int skewSeconds)
    {
        var outcome = Verify(Signed(Now.AddSeconds(skewSeconds)));

        Assert.True(outcome.Succeeded, outcome.ToString());
    }

    [Theory]
    [InlineData(-901)]
    [InlineData(901)]
    [InlineData(-86400)]
    public void Clock_skew_over_15_minutes_is_expired(int skewSeconds)
    {
        var requestTime = Now.AddSeconds(skewSeconds);

        var outcome = Verify(Signed(requestTime));

        Assert.Equal(SigV4FailureKind.Expired, outcome.Failure?.Kind);
        Assert.Equal(SigV4ExpiryReason.ClockSkew, outcome.Failure!.ExpiryReason);
        Assert.Equal("The difference between the request time and the current time is too large.", outcome.Failure.Message);
        Assert.Equal(requestTime, outcome.Failure.RequestTime);
        Assert.Equal(Now, outcome.Failure.ServerTime);
    }

    [Fact]
    public void Tampered_request_does_not_match()
    {
        var request = Signed(Now);
        var tampered = request with { RawQuery = "Action=DeleteEverything" };

        var outcome = Verify(tampered);

        Assert.Equal(SigV4FailureKind.SignatureMismatch, outcome.Failure?.Kind);
        Assert.Equal("The request signature we calculated does not match the signature you provided. Check your key and signing method.", outcome.Failure!.Message);
        Assert.Contains("Action=DeleteEverything", outcome.Failure.CanonicalRequest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz0ba4c00c6e2bd6a1b6c73d1b4b6b52e3ed1b2e2e3ed1b2e2e3ed1b2e2e3ed1")]
    [InlineData("")]
    public void Signature_that_is_not_64_hex_digits_does_not_match(string signature)
    {
        var request = Signed(Now, signatureOverride: signature);

        Assert.Equal(SigV4FailureKind.SignatureMismatch, Verify(request).Failure?.Kind);
    }

    [Fact]
    public void Signature_is_accepted_in_upper_case_hex()
    {
        var request = Signed(Now);
        var signature = Authorization(request).Split("Signature=")[1];
        var upper = Signed(Now, signatureOverride: signature.ToUpperInvariant());

        Assert.True(Verify(upper).Succeeded);
    }

    [Fact]
    public void Header_names_differing_only_by_case_are_merged()
    {
        var timestamp = Stamp(Now);
        var signature = TestSigner.Sign(Secret, timestamp, Region, "ec2", "POST", "/", "",
            [("host", Host), ("x-amz-date", timestamp), ("x-custom", "one,two")], PayloadHashes.EmptyBody);
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["Host"] = [Host],
            ["X-Amz-Date"] = [timestamp],
            ["X-Custom"] = ["one"],
            ["x-custom"] = ["two"],
            ["Authorization"] = [$"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{timestamp[..8]}/{Region}/ec2/aws4_request, SignedHeaders=host;x-amz-date;x-custom, Signature={signature}"],
        };

        Assert.True(Verify(new SigV4Request("POST", "/", "", headers, PayloadHashes.EmptyBody)).Succeeded);
    }

    [Fact]
    public void Header_and_query_authentication_together_are_malformed()
    {
        var request = Signed(Now) with { RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" };

        Assert.Equal(SigV4FailureKind.Malformed, Verify(request).Failure?.Kind);
    }

    [Fact]
    public void S3_header_request_without_payload_hash_is_malformed()
    {
        var request = Signed(Now, service: "s3") with { PayloadHash = null };

        var outcome = Verify(request);

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains("x-amz-content-sha256", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_payload_hash_is_malformed()
    {
        var request = Signed(Now, service: "s3", payloadHash: "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");

        var outcome = Verify(request);

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains("x-amz-content-sha256 must be", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PayloadHashes.UnsignedPayload)]
    [InlineData(PayloadHashes.StreamingSigned)]
    [InlineData(PayloadHashes.StreamingSignedWithTrailer)]
    [InlineData(PayloadHashes.StreamingUnsignedWithTrailer)]
    [InlineData("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")]
    public void Payload_hash_literals_are_signed_as_given(string payloadHash)
    {
        var outcome = Verify(Signed(Now, service: "s3", payloadHash: payloadHash));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(payloadHash, outcome.Verified.PayloadHash);
    }

    [Fact]
    public void Payload_hash_is_covered_by_the_signature()
    {
        var request = Signed(Now, service: "s3", payloadHash: PayloadHashes.EmptyBody) with { PayloadHash = PayloadHashes.UnsignedPayload };

        Assert.Equal(SigV4FailureKind.SignatureMismatch, Verify(request).Failure?.Kind);
    }

    [Fact]
    public void S3_path_is_not_normalised_and_keeps_encoded_slashes()
    {
        const string rawPath = "/bucket/a%2Fb/../c d/./e~";
        const string canonicalUri = "/bucket/a%2Fb/../c%20d/./e~";
        var timestamp = Stamp(Now);
        var signature = TestSigner.Sign(Secret, timestamp, Region, "s3", "GET", canonicalUri, "",
            [("host", Host), ("x-amz-date", timestamp)], PayloadHashes.UnsignedPayload);
        var request = new SigV4Request("GET", rawPath, "", HeaderList.Of(
            ("Host", Host),
            ("X-Amz-Date", timestamp),
            ("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{timestamp[..8]}/{Region}/s3/aws4_request,SignedHeaders=host;x-amz-date,Signature={signature}")),
            PayloadHashes.UnsignedPayload);

        var outcome = Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
    }

    [Fact]
    public void Query_with_a_leading_question_mark_is_tolerated()
    {
        var request = Signed(Now);

        Assert.True(Verify(request with { RawQuery = "?" + request.RawQuery }).Succeeded);
    }

    [Fact]
    public void Presigned_request_verifies_until_it_expires()
    {
        var request = Presigned(Now, expires: 300);

        Assert.True(Verify(request, Now).Succeeded);
        Assert.True(Verify(request, Now.AddSeconds(300)).Succeeded);
        var expired = Verify(request, Now.AddSeconds(301));
        Assert.Equal(SigV4FailureKind.Expired, expired.Failure?.Kind);
        Assert.Equal(SigV4ExpiryReason.PresignedUrlExpired, expired.Failure!.ExpiryReason);
        Assert.Equal(Now.AddSeconds(300), expired.Failure.ExpiresAt);
    }

    [Fact]
    public void Presigned_request_dated_in_the_future_is_not_yet_valid()
    {
        Assert.True(Verify(Presigned(Now.AddMinutes(14)), Now).Succeeded);

        var outcome = Verify(Presigned(Now.AddMinutes(16)), Now);

        Assert.Equal(SigV4FailureKind.Expired, outcome.Failure?.Kind);
        Assert.Equal(SigV4ExpiryReason.NotYetValid, outcome.Failure!.ExpiryReason);
    }

    [Fact]
    public void Presigned_request_is_not_subject_to_the_15_minute_skew()
    {
        Assert.True(Verify(Presigned(Now, expires: 604800), Now.AddDays(6)).Succeeded);
    }

    [Theory]
    [InlineData("0", "positive")]
    [InlineData("-5", "positive")]
    [InlineData("abc", "positive")]
    [InlineData("604801", "604800")]
    public void Presigned_expiry_must_be_between_a_second_and_a_week(string expires, string expectedInMessage)
    {
        var request = Presigned(Now, expiresText: expires);

        var outcome = Verify(request);

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains(expectedInMessage, outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Amz-Algorithm")]
    [InlineData("X-Amz-Credential")]
    [InlineData("X-Amz-Date")]
    [InlineData("X-Amz-Expires")]
    [InlineData("X-Amz-SignedHeaders")]
    public void Presigned_request_missing_a_parameter_is_malformed(string parameter)
    {
        var request = Presigned(Now);
        var query = string.Join('&', request.RawQuery.Split('&').Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal)));

        var outcome = Verify(request with { RawQuery = query });

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains("requires the X-Amz-Algorithm", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presigned_request_with_an_unsupported_algorithm_is_malformed()
    {
        var request = Presigned(Now);

        var outcome = Verify(request with { RawQuery = request.RawQuery.Replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1", StringComparison.Ordinal) });

        Assert.Equal(SigV4FailureKind.Malformed, outcome.Failure?.Kind);
        Assert.Contains("AWS4-HMAC-SHA1", outcome.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presigned_request_with_added_x_amz_headers_is_refused()
    {
        var request = Presigned(Now);
        var headers = HeaderList.Of(("Host", Host), ("X-Amz-Copy-Source", "/other/secret"), ("x-amz-acl", "public-read"), ("User-Agent", "curl"));

        var outcome = Verify(request with { Headers = headers });

        Assert.Equal(SigV4FailureKind.UnsignedHeaders, outcome.Failure?.Kind);
        Assert.Equal(["x-amz-acl", "x-amz-copy-source"], outcome.Failure!.UnsignedHeaderNames);
    }

    [Fact]
    public void Header_signed_s3_request_with_added_x_amz_headers_is_refused()
    {
        var request = Signed(Now, service: "s3");
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Assert.True(Verify(request).Succeeded);

        headers["X-Amz-Copy-Source"] = ["victim-bucket/secret-key"];
        headers["x-amz-meta-owner"] = ["mallory"];
        var outcome = Verify(request with { Headers = headers });

        Assert.Equal(SigV4FailureKind.UnsignedHeaders, outcome.Failure?.Kind);
        Assert.Equal(["x-amz-copy-source", "x-amz-meta-owner"], outcome.Failure!.UnsignedHeaderNames);
    }

    [Fact]
    public void Header_signed_s3_request_may_leave_the_user_agent_and_payload_hash_headers_unsigned()
    {
        var request = Signed(Now, service: "s3");
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        headers["x-amz-user-agent"] = ["aws-sdk-dotnet"];
        headers["x-amz-content-sha256"] = [PayloadHashes.EmptyBody];

        Assert.True(Verify(request with { Headers = headers }).Succeeded);
    }

    [Fact]
    public void Header_signed_ec2_request_is_not_held_to_the_s3_header_rule()
    {
        var request = Signed(Now, service: "ec2");
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        headers["x-amz-something"] = ["informational"];

        Assert.True(Verify(request with { Headers = headers }).Succeeded);
    }

    [Fact]
    public void Presigned_request_may_carry_the_payload_hash_it_was_signed_with()
    {
        var timestamp = Stamp(Now);
        var query = $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AccessKeyId}%2F{timestamp[..8]}%2F{Region}%2Fs3%2Faws4_request&X-Amz-Date={timestamp}&X-Amz-Expires=60&X-Amz-SignedHeaders=host";
        var signature = TestSigner.Sign(Secret, timestamp, Region, "s3", "PUT", "/bucket/key.bin", query, [("host", Host)], PayloadHashes.EmptyBody);
        var request = new SigV4Request("PUT", "/bucket/key.bin", query + "&X-Amz-Signature=" + signature,
            HeaderList.Of(("Host", Host), ("x-amz-content-sha256", PayloadHashes.EmptyBody)), PayloadHashes.EmptyBody);

        var outcome = Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal(PayloadHashes.EmptyBody, outcome.Verified.PayloadHash);
        Assert.Equal(SigV4FailureKind.SignatureMismatch, Verify(request with { PayloadHash = null }).Failure?.Kind);
    }

    [Fact]
    public void Presigned_request_for_another_service_needs_the_payload_hash()
    {
        var request = Presigned(Now, service: "ec2");

        Assert.Equal(SigV4FailureKind.Malformed, Verify(request with { PayloadHash = null }).Failure?.Kind);
        Assert.True(Verify(request with { PayloadHash = PayloadHashes.EmptyBody }).Succeeded);
    }

    [Fact]
    public void Presigned_security_token_is_reported()
    {
        var outcome = Verify(Presigned(Now, securityToken: "session/token+1"));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal("session/token+1", outcome.Verified.SecurityToken);
    }

    [Fact]
    public void Secrets_never_appear_in_outcomes()
    {
        var signingKeyHex = TestSigner.Hex(TestSigner.SigningKey(Secret, "20250314", Region, "ec2"));
        var outcomes = new[]
        {
            Verify(Signed(Now)),
            Verify(Signed(Now) with { RawQuery = "tampered" }),
            Verify(Signed(Now.AddHours(1))),
            Verify(Presigned(Now), Now.AddDays(1)),
        };

        foreach (var outcome in outcomes)
        {
            var texts = new List<string?> { outcome.ToString() };
            if (outcome.Succeeded)
            {
                texts.Add(outcome.Verified.ToString());
                texts.Add(outcome.Verified.Credential.ToString());
                texts.Add(outcome.Verified.StreamingSeed.ToString());
                texts.Add(outcome.Verified.ToCaller().ToString());
            }
            else
            {
                texts.AddRange([outcome.Failure.Message, outcome.Failure.CanonicalRequest, outcome.Failure.StringToSign]);
            }

            foreach (var text in texts.OfType<string>())
            {
                Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(signingKeyHex, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void Signing_key_cache_stays_bounded()
    {
        var cache = new SigningKeyCache();
        for (var i = 0; i < SigningKeyCache.MaxEntries + 10; i++)
        {
            var key = cache.Get(Secret, "20250314", "region-" + i, "s3");
            Assert.Equal(TestSigner.SigningKey(Secret, "20250314", "region-" + i, "s3"), key.ToArray());
        }

        Assert.InRange(cache.Count, 1, SigningKeyCache.MaxEntries);
    }

    [Fact]
    public void Changed_secret_is_not_served_from_the_cache()
    {
        var store = new InMemoryCredentialStore((AccessKeyId, Secret));
        var verifier = new SigV4Verifier(store, new FixedClock(Now));
        Assert.True(verifier.Verify(Signed(Now)).Succeeded);

        var rotated = new SigV4Verifier(new InMemoryCredentialStore((AccessKeyId, "another-secret")), new FixedClock(Now));

        Assert.Equal(SigV4FailureKind.SignatureMismatch, rotated.Verify(Signed(Now)).Failure?.Kind);
    }

    private static SigV4Outcome Verify(SigV4Request request, DateTimeOffset? now = null) =>
        new SigV4Verifier(new InMemoryCredentialStore((AccessKeyId, Secret)), new FixedClock(now ?? Now)).Verify(request);

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Authorization(SigV4Request request) => request.Headers["Authorization"][0];

    /// <summary>A header-signed EC2-style request (POST /?Action=DescribeImages&amp;Version=2016-11-15).</summary>
    private static SigV4Request Signed(
        DateTimeOffset time,
        string service = "ec2",
        string payloadHash = PayloadHashes.EmptyBody,
        string accessKeyId = AccessKeyId,
        string? scopeDate = null,
        string? signatureOverride = null,
        (string Name, string Value)? dateHeader = default,
        bool useDefaultDate = true)
    {
        var timestamp = Stamp(time);
        var header = dateHeader ?? (useDefaultDate ? ("X-Amz-Date", timestamp) : null);
        var signed = new List<(string, string)> { ("host", Host) };
        if (header is { } h)
        {
            signed.Add((h.Name.ToLowerInvariant(), h.Value));
        }

        var signature = TestSigner.Sign(Secret, timestamp, Region, service, "POST", "/", "Action=DescribeImages&Version=2016-11-15", signed, payloadHash);
        var lines = new List<(string, string)> { ("Host", Host) };
        if (header is { } line)
        {
            lines.Add(line);
        }

        var signedNames = string.Join(';', signed.Select(s => s.Item1).Order(StringComparer.Ordinal));
        lines.Add(("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scopeDate ?? timestamp[..8]}/{Region}/{service}/aws4_request, SignedHeaders={signedNames}, Signature={signatureOverride ?? signature}"));
        return new SigV4Request("POST", "/", "Version=2016-11-15&Action=DescribeImages", HeaderList.Of([.. lines]), payloadHash);
    }

    /// <summary>A presigned GET of /bucket/key.bin signed with only host.</summary>
    private static SigV4Request Presigned(DateTimeOffset time, int expires = 3600, string? expiresText = null, string service = "s3", string? securityToken = null)
    {
        var timestamp = Stamp(time);
        var credential = $"{AccessKeyId}%2F{timestamp[..8]}%2F{Region}%2F{service}%2Faws4_request";
        var parameters = new List<string>
        {
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=" + credential,
            "X-Amz-Date=" + timestamp,
            "X-Amz-Expires=" + (expiresText ?? expires.ToString(CultureInfo.InvariantCulture)),
            "X-Amz-SignedHeaders=host",
        };
        if (securityToken is not null)
        {
            parameters.Add("X-Amz-Security-Token=" + Uri.EscapeDataString(securityToken));
        }

        parameters.Sort(StringComparer.Ordinal);
        var payload = service == "s3" ? PayloadHashes.UnsignedPayload : PayloadHashes.EmptyBody;
        var signature = TestSigner.Sign(Secret, timestamp, Region, service, "GET", "/bucket/key.bin", string.Join('&', parameters), [("host", Host)], payload);
        return new SigV4Request("GET", "/bucket/key.bin", string.Join('&', parameters) + "&X-Amz-Signature=" + signature, HeaderList.Of(("Host", Host)), null);
    }
}
