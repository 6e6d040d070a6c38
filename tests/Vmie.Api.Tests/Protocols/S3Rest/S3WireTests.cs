using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Vmie.Api.Tests.Protocols.S3Rest;

/// <summary>Exact HTTP behaviour that SDKs hide: status codes, error documents, headers, addressing.</summary>
public sealed class S3WireTests(S3TestServer server) : IClassFixture<S3TestServer>
{
    [Fact]
    public async Task Errors_use_the_S3_error_document()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        using var response = await http.GetAsync($"/{bucket}/missing/key");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var requestId = response.Headers.GetValues("x-amz-request-id").Single();

        var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Equal("NoSuchKey", error.Element("Code")?.Value);
        Assert.False(string.IsNullOrEmpty(error.Element("Message")?.Value));
        Assert.Equal($"/{bucket}/missing/key", error.Element("Resource")?.Value);
        Assert.Equal(requestId, error.Element("RequestId")?.Value);
    }

    [Theory]
    [InlineData("GET", "?policy", 501, "NotImplemented")]
    [InlineData("GET", "?lifecycle", 501, "NotImplemented")]
    [InlineData("PUT", "?tagging", 501, "NotImplemented")]
    [InlineData("POST", "", 501, "NotImplemented")]
    [InlineData("GET", "?list-type=3", 400, "InvalidArgument")]
    [InlineData("GET", "?max-keys=-1", 400, "InvalidArgument")]
    [InlineData("GET", "?encoding-type=base64", 400, "InvalidArgument")]
    public async Task Unsupported_or_invalid_requests_fail_loudly(string method, string query, int status, string code)
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/{bucket}{query}"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);
    }

    [Fact]
    public async Task Service_level_methods_other_than_GET_are_not_allowed()
    {
        using var http = server.Http();
        using var response = await http.DeleteAsync("/");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("bytes=-5", 206, "bytes 95-99/100", 95, 5)]
    [InlineData("bytes=90-", 206, "bytes 90-99/100", 90, 10)]
    [InlineData("bytes=10-10", 206, "bytes 10-10/100", 10, 1)]
    [InlineData("bytes=50-500", 206, "bytes 50-99/100", 50, 50)]
    [InlineData("bytes=-500", 206, "bytes 0-99/100", 0, 100)]
    [InlineData("bytes=0-1,5-6", 200, null, 0, 100)]
    [InlineData("items=0-1", 200, null, 0, 100)]
    public async Task Range_forms(string range, int status, string? contentRange, int start, int length)
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        (await http.PutAsync($"/{bucket}/r", new ByteArrayContent(data))).EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/{bucket}/r");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await http.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(contentRange, response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(data.AsSpan(start, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task Conditional_reads()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        using var put = await http.PutAsync($"/{bucket}/c", new StringContent("conditional"));
        var etag = put.Headers.ETag!.Tag;

        async Task<HttpStatusCode> Get(string header, string value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/{bucket}/c");
            request.Headers.TryAddWithoutValidation(header, value);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var later = DateTimeOffset.UtcNow.AddHours(1).ToString("R");
        var earlier = DateTimeOffset.UtcNow.AddHours(-1).ToString("R");
        Assert.Equal(HttpStatusCode.OK, await Get("If-Match", etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await Get("If-Match", "\"00000000000000000000000000000000\""));
        Assert.Equal(HttpStatusCode.NotModified, await Get("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.OK, await Get("If-None-Match", "\"other\""));
        Assert.Equal(HttpStatusCode.NotModified, await Get("If-Modified-Since", later));
        Assert.Equal(HttpStatusCode.OK, await Get("If-Modified-Since", earlier));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await Get("If-Unmodified-Since", earlier));
        Assert.Equal(HttpStatusCode.OK, await Get("If-Unmodified-Since", later));
    }

    [Fact]
    public async Task Virtual_hosted_style_addresses_the_bucket_by_host_name()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        var port = new Uri(server.Url).Port;

        using var put = new HttpRequestMessage(HttpMethod.Put, "/dir//file.txt") { Content = new StringContent("virtual") };
        put.Headers.Host = $"{bucket}.s3.localhost:{port}";
        (await http.SendAsync(put)).EnsureSuccessStatusCode();

        using var get = new HttpRequestMessage(HttpMethod.Get, "/dir//file.txt");
        get.Headers.Host = $"{bucket}.localhost:{port}";
        using var response = await http.SendAsync(get);
        Assert.Equal("virtual", await response.Content.ReadAsStringAsync());

        // Path-style sees the same key, double slash included.
        using var pathStyle = await http.GetAsync($"/{bucket}/dir//file.txt");
        Assert.Equal("virtual", await pathStyle.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Payload_integrity_failures_answer_their_code_and_store_nothing()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        (await http.PutAsync($"/{bucket}/k", new StringContent("original"))).EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Put, $"/{bucket}/k") { Content = new ByteArrayContent(new byte[3 * 1024 * 1024]) };
        request.Headers.Add("x-test-fail-after", (1024 * 1024).ToString());
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadDigest", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);

        Assert.Equal("original", await http.GetStringAsync($"/{bucket}/k"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.Store.RootDirectory, "tmp")));
    }

    [Fact]
    public async Task Content_md5_is_verified()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        var content = new StringContent("body");
        content.Headers.ContentMD5 = MD5.HashData("other"u8);
        using var bad = await http.PutAsync($"/{bucket}/k", content);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("BadDigest", XDocument.Parse(await bad.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);

        var good = new StringContent("body");
        good.Headers.ContentMD5 = MD5.HashData("body"u8);
        (await http.PutAsync($"/{bucket}/k", good)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Delete_objects_requires_an_integrity_header()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        const string Body = "<Delete><Object><Key>a</Key></Object></Delete>";
        using var missing = await http.PostAsync($"/{bucket}?delete", new StringContent(Body, Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("InvalidRequest", XDocument.Parse(await missing.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);

        var content = new StringContent(Body, Encoding.UTF8, "application/xml");
        content.Headers.ContentMD5 = MD5.HashData(Encoding.UTF8.GetBytes(Body));
        using var ok = await http.PostAsync($"/{bucket}?delete", content);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var deleted = XDocument.Parse(await ok.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("http://s3.amazonaws.com/doc/2006-03-01/", deleted.Name.NamespaceName);
        Assert.Equal("a", deleted.Descendants().Single(e => e.Name.LocalName == "Key").Value);
    }

    [Fact]
    public async Task Malformed_complete_multipart_xml_is_MalformedXML()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        using var init = await http.PostAsync($"/{bucket}/big?uploads", null);
        var uploadId = XDocument.Parse(await init.Content.ReadAsStringAsync()).Root!.Descendants().Single(e => e.Name.LocalName == "UploadId").Value;

        using var bad = await http.PostAsync($"/{bucket}/big?uploadId={uploadId}", new StringContent("<CompleteMultipartUpload><Part>"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("MalformedXML", XDocument.Parse(await bad.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);

        using var part = await http.PutAsync($"/{bucket}/big?partNumber=1&uploadId={uploadId}", new StringContent("p"));
        var etag = part.Headers.ETag!.Tag;
        using var unordered = await http.PostAsync($"/{bucket}/big?uploadId={uploadId}",
            new StringContent($"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>{etag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"));
        Assert.Equal("InvalidPartOrder", XDocument.Parse(await unordered.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);

        using var dtd = await http.PostAsync($"/{bucket}/big?uploadId={uploadId}", new StringContent("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><CompleteMultipartUpload>&e;</CompleteMultipartUpload>"));
        Assert.Equal(HttpStatusCode.BadRequest, dtd.StatusCode);
    }

    private static async Task<string> NewBucketAsync(HttpClient http)
    {
        var bucket = S3BucketTests.NewBucketName();
        (await http.PutAsync("/" + bucket, null)).EnsureSuccessStatusCode();
        return bucket;
    }
}
