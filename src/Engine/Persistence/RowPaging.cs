namespace EGov.Workflows.Persistence;

/// <summary>
/// A page of rows and how many there are, with the count asked of the database only when the page cannot tell it: a page
/// that starts at the first row and holds fewer rows than asked for is all of them (a case page's history usually is).
/// One statement less per request where pages are short; the count was never in the page's transaction anyway.
/// </summary>
internal static class RowPaging
{
    /// <param name="page">The page's rows as read (<paramref name="offset"/> skipped, at most <paramref name="limit"/>).</param>
    /// <param name="count">Counts all rows; called only when the page does not tell.</param>
    public static long Total(int pageCount, int offset, int limit, Func<long> count) =>
        pageCount < limit && (pageCount > 0 || offset == 0) ? offset + pageCount : count();
}
