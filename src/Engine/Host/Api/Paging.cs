using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// A page of a list endpoint: <c>?offset=&amp;limit=</c> (limit default 50, at most 500). Every list endpoint is bounded:
/// the newer ones answer a <see cref="Page{T}"/>, the older ones a bounded array (<see cref="BoundedList"/>); the hardening
/// tests fail for a list endpoint without a limit.
/// </summary>
public readonly record struct PageRequest(int Offset, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>
    /// Reads offset and limit from the query; refuses negative values and limits above <see cref="MaxLimit"/> with 400, in German
    /// (clerks page through these lists in the web pages): the title <see cref="ApiProblemException.TitelUngueltig"/>, the detail
    /// what was wrong and which values go; <c>expected</c> stays as it was.
    /// </summary>
    public static PageRequest From(int? offset, int? limit, int defaultLimit = DefaultLimit)
    {
        if (offset is < 0) throw ApiProblemException.Ungueltig($"offset {offset} ist negativ: die Seite beginnt bei 0 oder später.", "offset ≥ 0");
        if (limit is < 1 or > MaxLimit) throw ApiProblemException.Ungueltig($"limit {limit} geht nicht: eine Seite hat 1 bis {MaxLimit} Einträge.", $"1 ≤ limit ≤ {MaxLimit}");
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

/// <summary>
/// The older list endpoints that answer a plain JSON array (an instance's history, incidents, definitions, external tasks,
/// accounts) are bounded the same way, without changing their shape: <c>?offset=&amp;limit=</c> (limit at most
/// <see cref="PageRequest.MaxLimit"/>, which is also the default), the total in the header <c>X-Total-Count</c>.
/// </summary>
public static class BoundedList
{
    public const string TotalHeader = "X-Total-Count";

    /// <summary>The page of <paramref name="all"/> the query asks for; sets <see cref="TotalHeader"/>. 400 for a limit above the maximum.</summary>
    public static List<T> Of<T>(HttpContext http, IEnumerable<T> all, int? offset, int? limit)
    {
        ArgumentNullException.ThrowIfNull(http);
        var page = PageRequest.From(offset, limit, PageRequest.MaxLimit);
        var list = all as IReadOnlyList<T> ?? all.ToList();
        http.Response.Headers[TotalHeader] = list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return list.Skip(page.Offset).Take(page.Limit).ToList();
    }

    /// <summary>
    /// The page the query asks for, read by <paramref name="read"/> from the store as one page (a durable store reads only
    /// those rows and counts the rest in SQL); sets <see cref="TotalHeader"/>. 400 for a limit above the maximum.
    /// </summary>
    public static List<TOut> Read<TRow, TOut>(HttpContext http, int? offset, int? limit, Func<PageRequest, Runtime.Store.RowPage<TRow>> read, Func<TRow, TOut> map)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(map);
        var page = PageRequest.From(offset, limit, PageRequest.MaxLimit);
        var rows = read(page);
        http.Response.Headers[TotalHeader] = rows.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return rows.Items.Select(map).ToList();
    }

    /// <summary>The page the query asks for, read (and counted) by <paramref name="read"/> in the store; sets <see cref="TotalHeader"/>.</summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(HttpContext http, int? offset, int? limit, Func<PageRequest, Task<(IReadOnlyList<T> Items, long Total)>> read)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(read);
        var page = PageRequest.From(offset, limit, PageRequest.MaxLimit);
        var (items, total) = await read(page);
        http.Response.Headers[TotalHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return items;
    }
}
