namespace EGov.Workflows.Host.Api;

/// <summary>
/// A page of a list endpoint: <c>?offset=&amp;limit=</c> (limit default 50, at most 500). Every list endpoint under /api
/// answers a <see cref="Page{T}"/>, never an unbounded array.
/// </summary>
public readonly record struct PageRequest(int Offset, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>Reads offset and limit from the query; refuses negative values and limits above <see cref="MaxLimit"/> with 400.</summary>
    public static PageRequest From(int? offset, int? limit, int defaultLimit = DefaultLimit)
    {
        if (offset is < 0) throw ApiProblemException.BadRequest($"offset {offset} is negative", "offset ≥ 0");
        if (limit is < 1 or > MaxLimit) throw ApiProblemException.BadRequest($"limit {limit} is out of range", $"1 ≤ limit ≤ {MaxLimit}");
        return new PageRequest(offset ?? 0, limit ?? defaultLimit);
    }
}

/// <summary>One page of a list: the items, where it starts, how many were asked for, and the total where it is cheap to know.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, long? Total)
{
    /// <summary>Pages an in-memory list (its total is known).</summary>
    public static Page<T> Of(IReadOnlyList<T> all, PageRequest page) =>
        new(all.Skip(page.Offset).Take(page.Limit).ToList(), page.Offset, page.Limit, all.Count);
}
