using System.Text;
using Vmie.Storage.Objects;

namespace Vmie.Storage.Tests.Objects;

public sealed class ObjectListingTests : IClassFixture<ObjectListingTests.ManyKeys>
{
    private readonly ManyKeys _keys;

    public ObjectListingTests(ManyKeys keys) => _keys = keys;

    public static TheoryData<string?, string?, int> Cases => new()
    {
        { null, null, 1000 },
        { null, null, 333 },
        { null, "/", 7 },
        { "dir1/", "/", 50 },
        { "dir1/sub0", "/", 1000 },
        { "dir2/sub1/", null, 100 },
        { "dir", "/", 1 },
        { "zzz", null, 10 },
        { "top", "/", 1000 },
        { "\uFFFD", null, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pages_concatenate_to_exactly_the_expected_listing(string? prefix, string? delimiter, int maxKeys)
    {
        var expected = Expected(prefix ?? string.Empty, delimiter);
        var seen = new List<string>();
        string? startAfter = null;
        var pages = 0;
        while (true)
        {
            var page = await _keys.Fixture.Store.ListObjectsAsync("bucket", new ObjectListingRequest { Prefix = prefix, Delimiter = delimiter, StartAfter = startAfter, MaxKeys = maxKeys });
            Assert.True(page.Objects.Count + page.CommonPrefixes.Count <= maxKeys);
            var entries = page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes).OrderBy(k => k, Comparer<string>.Create(ObjectKeyOrder.Compare)).ToList();
            seen.AddRange(entries);
            pages++;
            if (!page.IsTruncated)
            {
                Assert.Null(page.NextStartAfter);
                break;
            }

            Assert.Equal(entries[^1], page.NextStartAfter);
            startAfter = page.NextStartAfter;
        }

        Assert.Equal(expected, seen);
        Assert.True(pages >= Math.Max(1, (expected.Count + maxKeys - 1) / maxKeys));
    }

    [Fact]
    public async Task Listed_objects_carry_their_metadata()
    {
        var page = await _keys.Fixture.Store.ListObjectsAsync("bucket", new ObjectListingRequest { Prefix = "top", MaxKeys = 1 });
        var only = Assert.Single(page.Objects);
        Assert.Equal("top-0", only.Key);
        Assert.Equal(5, only.Size);
        Assert.Equal("bucket", only.Bucket);
    }

    [Fact]
    public async Task Missing_bucket_is_reported() =>
        Assert.Equal("NoSuchBucket", (await Assert.ThrowsAsync<ObjectStoreException>(() => _keys.Fixture.Store.ListObjectsAsync("nobucket", new ObjectListingRequest()))).Code);

    private List<string> Expected(string prefix, string? delimiter)
    {
        var result = new SortedSet<string>(Comparer<string>.Create(ObjectKeyOrder.Compare));
        foreach (var key in _keys.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var at = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            result.Add(at < 0 ? key : key[..(at + delimiter!.Length)]);
        }

        return [.. result];
    }

    /// <summary>About three thousand keys in a few "directories", written once for all cases.</summary>
    public sealed class ManyKeys : IAsyncLifetime
    {
        public ObjectStoreFixture Fixture { get; } = new();

        public List<string> Keys { get; } = [];

        public async Task InitializeAsync()
        {
            for (var d = 0; d < 3; d++)
            {
                for (var s = 0; s < 4; s++)
                {
                    for (var f = 0; f < 240; f++)
                    {
                        Keys.Add($"dir{d}/sub{s}/file{f:D4}");
                    }
                }

                Keys.Add($"dir{d}/direct");
            }

            for (var i = 0; i < 100; i++)
            {
                Keys.Add($"top-{i}");
            }

            Keys.AddRange(["a//double", "a/", "dir1", "dir1/sub0", "\uFFFD-replacement", "\U0001F600-emoji", "\uE000-private", "zzz/end/"]);
            await Fixture.Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");

            // Written directly through the store; a batch of small puts is what a real bucket sees too.
            await Parallel.ForEachAsync(Keys, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (key, ct) =>
                await Fixture.Store.PutObjectAsync("bucket", key, new MemoryStream(Encoding.ASCII.GetBytes("hello")), ObjectWriteOptions.Default, ct));
        }

        public Task DisposeAsync()
        {
            Fixture.Dispose();
            return Task.CompletedTask;
        }
    }
}
