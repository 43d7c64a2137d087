using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>How an inbox page is ordered (ties: creation time, then creation order).</summary>
public enum InboxSort { Due, Priority, Created, Name, BusinessKey }

/// <summary>
/// Who a task is for, as the task index keeps it: one row per principal of an open user task — its assignee
/// (<c>a:user</c>), each candidate user (<c>u:user</c>) and each candidate group (<c>g:group</c>). An inbox query names
/// the principals it may see; a task matches when one of its principals is among them.
/// </summary>
public static class InboxPrincipal
{
    public static string Assignee(string user) => "a:" + user;
    public static string CandidateUser(string user) => "u:" + user;
    public static string Group(string group) => "g:" + group;

    /// <summary>The principals of a task, without duplicates.</summary>
    public static IEnumerable<string> Of(UserTaskState t)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (t.Assignee is { Length: > 0 } a && seen.Add(Assignee(a))) yield return Assignee(a);
        foreach (var u in t.CandidateUsers)
            if (u.Length > 0 && seen.Add(CandidateUser(u))) yield return CandidateUser(u);
        foreach (var g in t.CandidateGroups)
            if (g.Length > 0 && seen.Add(Group(g))) yield return Group(g);
    }
}

/// <summary>
/// One query over the open user tasks of a tenant (a Postkorb view with its filters), answered from the task index.
/// Every condition narrows; an empty <see cref="Principals"/> list matches nothing (deny by default).
/// </summary>
public sealed record InboxQuery
{
    /// <summary>The principals (see <see cref="InboxPrincipal"/>) whose tasks may be listed.</summary>
    public IReadOnlyList<string> Principals { get; init; } = [];
    /// <summary>Only tasks nobody holds.</summary>
    public bool Unassigned { get; init; }
    /// <summary>Only tasks whose due date is before this instant.</summary>
    public Instant? DueBefore { get; init; }
    /// <summary>Only tasks whose follow-up date is at or before this instant.</summary>
    public Instant? FollowUpUntil { get; init; }
    /// <summary>Only tasks held by this user.</summary>
    public string? Assignee { get; init; }
    /// <summary>Only tasks offered to this candidate group.</summary>
    public string? CandidateGroup { get; init; }
    public string? ProcessId { get; init; }
    /// <summary>Only tasks of this root instance tree (a case).</summary>
    public string? RootInstanceId { get; init; }
    /// <summary>A part of the business key (Aktenzeichen), the process name or the process id, case-insensitive.</summary>
    public string? Text { get; init; }
    public InboxSort Sort { get; init; } = InboxSort.Due;
    public bool Descending { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 50;
}

/// <summary>An open user task as the inbox lists it, with its instance's facts.</summary>
public sealed record InboxRow(string TenantId, string InstanceId, string RootInstanceId, string ProcessId, int ProcessVersion, string? BusinessKey, UserTaskState Task);

/// <summary>A page of an inbox query and how many tasks match it in all.</summary>
public sealed record InboxPage(IReadOnlyList<InboxRow> Items, long Total);

/// <summary>A store that keeps the task index (one row per open task and principal) and answers inbox queries from it.</summary>
public interface ITaskInbox
{
    InboxPage QueryInbox(string tenantId, InboxQuery query);

    /// <summary>How many tasks match each query (the counts per view).</summary>
    IReadOnlyList<long> CountInbox(string tenantId, IReadOnlyList<InboxQuery> queries);
}

/// <summary>The inbox semantics in code: the in-memory store answers with it, and tests compare the SQL stores against it.</summary>
public static class InboxMatching
{
    /// <summary>Sort value for a task without due date: after every real date.</summary>
    public const long NoDue = long.MaxValue;

    public static bool Matches(InboxQuery q, InboxRow r)
    {
        var t = r.Task;
        if (q.Principals.Count == 0 || !InboxPrincipal.Of(t).Any(p => q.Principals.Contains(p, StringComparer.Ordinal))) return false;
        if (q.Unassigned && t.Assignee is not null) return false;
        if (q.DueBefore is { } d && !(t.DueDate is { } due && due < d)) return false;
        if (q.FollowUpUntil is { } f && !(t.FollowUpDate is { } fu && fu <= f)) return false;
        if (q.Assignee is { } a && t.Assignee != a) return false;
        if (q.CandidateGroup is { } g && !t.CandidateGroups.Contains(g, StringComparer.Ordinal)) return false;
        if (q.ProcessId is { } p && r.ProcessId != p) return false;
        if (q.RootInstanceId is { } root && r.RootInstanceId != root) return false;
        if (q.Text is { Length: > 0 } text
            && !(r.BusinessKey?.Contains(text, StringComparison.OrdinalIgnoreCase) == true
                 || t.ProcessName?.Contains(text, StringComparison.OrdinalIgnoreCase) == true
                 || r.ProcessId.Contains(text, StringComparison.OrdinalIgnoreCase)))
            return false;
        return true;
    }

    /// <summary>The rows in the query's order (the SQL stores order the same way).</summary>
    public static IEnumerable<InboxRow> Order(InboxQuery q, IEnumerable<InboxRow> rows)
    {
        IOrderedEnumerable<InboxRow> o = q.Sort switch
        {
            InboxSort.Priority => By(rows, r => r.Task.Priority, q.Descending),
            InboxSort.Created => By(rows, r => r.Task.CreatedAt.ToUnixTimeTicks(), q.Descending),
            InboxSort.Name => By(rows, r => r.Task.Name ?? "", q.Descending, StringComparer.Ordinal),
            InboxSort.BusinessKey => By(rows, r => r.BusinessKey ?? "", q.Descending, StringComparer.Ordinal),
            _ => By(rows, r => r.Task.DueDate?.ToUnixTimeTicks() ?? NoDue, q.Descending),
        };
        return q.Descending
            ? o.ThenByDescending(r => r.Task.CreatedAt).ThenByDescending(r => r.Task.Order).ThenByDescending(r => r.Task.Id, StringComparer.Ordinal)
            : o.ThenBy(r => r.Task.CreatedAt).ThenBy(r => r.Task.Order).ThenBy(r => r.Task.Id, StringComparer.Ordinal);
    }

    private static IOrderedEnumerable<InboxRow> By<TKey>(IEnumerable<InboxRow> rows, Func<InboxRow, TKey> key, bool descending, IComparer<TKey>? comparer = null) =>
        descending ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer);
}
