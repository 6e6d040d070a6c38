namespace Vmie.Ec2.Paging;

/// <summary>
/// One page of a listing ordered by a row sequence number, with filters applied while reading: rows are
/// fetched in batches after the cursor until the page is full (plus one row, to know whether more follow)
/// or the rows run out. Memory stays bounded by the page and batch sizes.
/// </summary>
public static class SequencePager
{
    public const int BatchSize = 200;

    /// <param name="afterSequence">Cursor: the sequence number of the last row of the previous page, 0 for the first.</param>
    /// <param name="pageSize">Null for everything.</param>
    /// <param name="fetchBatch">Rows after a sequence number, in ascending order, at most the given count.</param>
    /// <returns>The page and, when more rows match, the sequence number to continue after.</returns>
    public static async Task<(IReadOnlyList<T> Items, long? ContinueAfter)> PageAsync<T>(
        long afterSequence,
        int? pageSize,
        Func<long, int, CancellationToken, Task<IReadOnlyList<T>>> fetchBatch,
        Func<T, long> sequence,
        Func<T, bool> include,
        CancellationToken cancellationToken)
    {
        var items = new List<T>();
        var cursor = afterSequence;
        while (true)
        {
            var batch = await fetchBatch(cursor, BatchSize, cancellationToken);
            foreach (var row in batch)
            {
                cursor = sequence(row);
                if (!include(row))
                {
                    continue;
                }

                if (pageSize is { } size && items.Count == size)
                {
                    return (items, sequence(items[^1]));
                }

                items.Add(row);
            }

            if (batch.Count < BatchSize)
            {
                return (items, null);
            }
        }
    }
}
