namespace Vmie.Storage.Objects;

public sealed partial class FileSystemObjectStore
{
    private const int ListingBatch = 1000;

    /// <summary>
    /// Lists in UTF-8 byte order with index range scans: a scan starts at max(prefix, StartAfter), stops at
    /// the first key outside the prefix, and jumps over each common prefix with a fresh seek to the
    /// smallest key after it, so neither the bucket nor a large "folder" is ever read whole.
    /// </summary>
    public Task<ObjectListing> ListObjectsAsync(string bucket, ObjectListingRequest request, CancellationToken cancellationToken = default)
    {
        if (request.MaxKeys < 0)
        {
            throw ObjectStoreErrors.InvalidArgument("MaxKeys must not be negative.", bucket);
        }

        return Task.FromResult(Read((connection, transaction) =>
        {
            RequireBucket(connection, transaction, bucket);
            if (request.MaxKeys == 0)
            {
                return new ObjectListing([], [], false, null);
            }

            var prefix = request.Prefix ?? string.Empty;
            var delimiter = string.IsNullOrEmpty(request.Delimiter) ? null : request.Delimiter;

            // The scan position: either "key > after" or "key >= from".
            string? after = request.StartAfter;
            string? from = null;
            if (prefix.Length > 0 && (after is null || ObjectKeyOrder.Compare(after, prefix) < 0))
            {
                after = null;
                from = prefix;
            }

            // Entries in listing order; a common prefix is an entry with a null Info.
            var entries = new List<(string Name, ObjectInfo? Info)>();
            var finished = false;
            while (!finished && entries.Count <= request.MaxKeys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var command = after is not null
                    ? Command(connection, transaction, $"SELECT {ObjectColumns} FROM object_entries WHERE bucket = $b AND key > $k ORDER BY key LIMIT $n;", ("$b", bucket), ("$k", after), ("$n", ListingBatch))
                    : from is not null
                        ? Command(connection, transaction, $"SELECT {ObjectColumns} FROM object_entries WHERE bucket = $b AND key >= $k ORDER BY key LIMIT $n;", ("$b", bucket), ("$k", from), ("$n", ListingBatch))
                        : Command(connection, transaction, $"SELECT {ObjectColumns} FROM object_entries WHERE bucket = $b ORDER BY key LIMIT $n;", ("$b", bucket), ("$n", ListingBatch));
                using var reader = command.ExecuteReader();
                var rows = 0;
                var sought = false;
                while (entries.Count <= request.MaxKeys && reader.Read())
                {
                    rows++;
                    var key = reader.GetString(1);
                    if (!key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        finished = true;
                        break;
                    }

                    var delimiterAt = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                    if (delimiterAt < 0)
                    {
                        entries.Add((key, ReadObject(bucket, reader)));
                        after = key;
                        from = null;
                        continue;
                    }

                    var commonPrefix = key[..(delimiterAt + delimiter!.Length)];
                    // A continuation that stopped at this common prefix must not return it again.
                    if (!string.Equals(commonPrefix, request.StartAfter, StringComparison.Ordinal))
                    {
                        entries.Add((commonPrefix, null));
                    }

                    var next = ObjectKeyOrder.PrefixUpperBound(commonPrefix);
                    if (next is null)
                    {
                        finished = true;
                    }
                    else
                    {
                        after = null;
                        from = next;
                        sought = true;
                    }

                    break;
                }

                if (!sought && rows < ListingBatch)
                {
                    finished = true;
                }
            }

            var truncated = entries.Count > request.MaxKeys;
            if (truncated)
            {
                entries.RemoveRange(request.MaxKeys, entries.Count - request.MaxKeys);
            }

            return new ObjectListing(
                [.. entries.Where(e => e.Info is not null).Select(e => e.Info!)],
                [.. entries.Where(e => e.Info is null).Select(e => e.Name)],
                truncated,
                truncated ? entries[^1].Name : null);
        }));
    }
}
