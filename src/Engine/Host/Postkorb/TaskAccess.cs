using EGov.Workflows.Host.Security;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>
/// Who may see and work which user task, deny by default. A clerk sees a task that is assigned to them, offered to
/// them or one of their groups, delegated by them (they own it), or assigned to someone they deputise for today
/// (Vertretung). A team lead leads the groups the staff directory names (role <c>teamlead</c> without a directory entry: every
/// group they belong to): they see those groups' tasks with their holders and may reassign them. Anything else does not exist for the caller (404, never 403: no hint).
/// </summary>
public sealed class TaskAccess
{
    public TaskAccess(Caller caller, IReadOnlyList<string> deputisedFor)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Caller = caller;
        DeputisedFor = deputisedFor;
    }

    public Caller Caller { get; }
    public string Me => Caller.Id;

    /// <summary>The users the caller stands in for now (their absence is active).</summary>
    public IReadOnlyList<string> DeputisedFor { get; }

    /// <summary>
    /// Whether the caller acts in this tenant: one of its tenants, or — an identity without any tenant — the server's
    /// default tenant, the only one such a request reaches (the tenant itself is resolved by TenantContext).
    /// </summary>
    public static bool IsMember(Caller caller, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Tenants.Count == 0 || caller.BelongsTo(tenantId);
    }

    public bool IsTeamLead => LedGroups.Count > 0;

    /// <summary>
    /// The groups the caller leads: those the staff directory names (a person it knows), else — role <c>teamlead</c> — every
    /// group they belong to.
    /// </summary>
    public IReadOnlyList<string> LedGroups => _led ??= Caller.InDirectory ? Caller.LedGroups.Order(StringComparer.Ordinal).ToList()
        : Caller.HasRole(Security.Caller.TeamLead) ? Caller.Groups.Order(StringComparer.Ordinal).ToList() : [];
    private IReadOnlyList<string>? _led;

    public bool MayDeputise(string? assignee) => assignee is not null && DeputisedFor.Contains(assignee, StringComparer.Ordinal);

    /// <summary>Whether the task exists for the caller at all.</summary>
    public bool CanSee(UserTaskState t) =>
        t.Assignee == Me || t.Owner == Me || t.CandidateUsers.Contains(Me, StringComparer.Ordinal)
        || t.CandidateGroups.Any(Caller.InGroup) || MayDeputise(t.Assignee);

    /// <summary>Whether the caller holds the task, themself or as deputy of its assignee.</summary>
    public bool Holds(UserTaskState t) => t.Assignee == Me || MayDeputise(t.Assignee);

    /// <summary>A team lead of one of the task's candidate groups.</summary>
    public bool LeadsGroupOf(UserTaskState t) => t.CandidateGroups.Any(g => LedGroups.Contains(g, StringComparer.Ordinal));

    /// <summary>The absent user the caller acts for on this task (its assignee), or null when they act for themself.</summary>
    public string? OnBehalfOf(UserTaskState t) => t.Assignee != Me && MayDeputise(t.Assignee) ? t.Assignee : null;

    /// <summary>Every principal whose tasks the caller sees in a list: themself as assignee and candidate, their groups, the absent they deputise.</summary>
    public IReadOnlyList<string> AllPrincipals() => [.. Mine(), .. Offered(), .. Groups()];

    public IReadOnlyList<string> Mine() => [InboxPrincipal.Assignee(Me), .. DeputisedFor.Where(u => u != Me).Select(InboxPrincipal.Assignee)];

    public IReadOnlyList<string> Offered() => [InboxPrincipal.CandidateUser(Me)];

    public IReadOnlyList<string> Groups() => Caller.Groups.Order(StringComparer.Ordinal).Select(InboxPrincipal.Group).ToList();
}
