using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Paging;

/// <summary>How one kind of resource is read for its Describe call: its IDs, its order, and its repository's lookups.</summary>
/// <param name="FindMany">The caller's resources among the given IDs (missing ones left out).</param>
/// <param name="List">The caller's resources after a sequence number, ascending, at most the given count.</param>
public sealed record OwnedResourceSource<TRecord>(
    ResourceKind Kind,
    Func<TRecord, string> Id,
    Func<TRecord, long> Sequence,
    Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<TRecord>>> FindMany,
    Func<long, int, CancellationToken, Task<IReadOnlyList<TRecord>>> List);

/// <summary>
/// The Describe flow EC2 follows for snapshots, images and volumes alike: every named ID must be the caller's
/// (else NotFound for the first one missing), DryRun answers after that check, then one page of the caller's
/// resources in creation order, each with its tags, filtered while reading.
/// </summary>
public static class OwnedResourceListing
{
    /// <param name="ids">Named IDs (already checked well-formed); empty for a listing.</param>
    /// <param name="visible">False when the request selects nothing of the caller's (other owners): an empty page.</param>
    public static async Task<(IReadOnlyList<(TRecord Record, IReadOnlyList<ResourceTag> Tags)> Items, long? ContinueAfter)> PageAsync<TRecord>(
        OwnedResourceSource<TRecord> source,
        IReadOnlyList<string> ids,
        bool visible,
        bool dryRun,
        long afterSequence,
        int? pageSize,
        Func<(TRecord Record, IReadOnlyList<ResourceTag> Tags), bool> include,
        TagRepository tags,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<TRecord>? named = null;
        if (ids.Count > 0)
        {
            named = visible ? await source.FindMany(ids, cancellationToken) : [];
            var missing = ids.FirstOrDefault(id => !named.Any(record => source.Id(record) == id));
            if (missing is not null && visible)
            {
                throw source.Kind.NotFound(missing);
            }
        }

        if (dryRun)
        {
            throw Ec2Errors.DryRunOperation();
        }

        if (!visible)
        {
            return ([], null);
        }

        async Task<IReadOnlyList<(TRecord Record, IReadOnlyList<ResourceTag> Tags)>> FetchAsync(long cursor, int count, CancellationToken token)
        {
            var rows = named is not null
                ? named.Where(record => source.Sequence(record) > cursor).Take(count).ToList()
                : await source.List(cursor, count, token);
            var found = await tags.GetAsync(rows.Select(source.Id).ToList(), token);
            return rows.Select(record => (record, found.GetValueOrDefault(source.Id(record)) ?? (IReadOnlyList<ResourceTag>)[])).ToList();
        }

        return await SequencePager.PageAsync(afterSequence, pageSize, FetchAsync, item => source.Sequence(item.Record), include, cancellationToken);
    }
}
