using static EGov.Workflows.Host.Security.Permission;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// Which role holds which permission: the one place this is decided (endpoints only state what they need). A caller
/// holds a permission when one of its roles does; <see cref="Permission.Public"/> needs nobody and
/// <see cref="Permission.SignedIn"/> any validated identity. Task visibility (assigned or offered to the caller) and the
/// candidate starters of a definition are checked by the endpoints on top.
/// </summary>
public static class RolePermissions
{
    public static IReadOnlyDictionary<string, IReadOnlySet<Permission>> Table { get; } = new Dictionary<string, IReadOnlySet<Permission>>(StringComparer.Ordinal)
    {
        // Administrators also carry out a deletion on request (Art. 17 DSGVO): irreversible, so no other role may.
        [Caller.Admin] = new HashSet<Permission> { AccountAdmin, ProcessRead, ServiceRead, ReservationBook, ResourceManage, DirectoryRead, DirectoryManage, CaseDelete, AppointmentManage },
        [Caller.Analyst] = new HashSet<Permission> { Deploy, ProcessRead, ModelRead, Analytics, InstanceRead, HistoryRead, DecisionRead, DecisionEvaluate, ServiceRead, ReservationBook, DirectoryRead },
        [Caller.Clerk] = new HashSet<Permission> { TaskWork, ProcessStart, ProcessRead, ModelRead, DecisionRead, ServiceRead, CouncilRead, ReservationBook, DirectoryRead, StaffTimeRead, MobileRead, AppointmentWork, ChildcareRead, PlanningRead },
        [Caller.TeamLead] = new HashSet<Permission> { TaskWork, TaskAssign, ProcessStart, ProcessRead, ModelRead, DecisionRead, ServiceRead, CouncilRead, ReservationBook, DirectoryRead, StaffTimeRead, MobileRead, AppointmentWork, ChildcareRead, PlanningRead },
        [Caller.Operator] = new HashSet<Permission> { IncidentOperate, Migrate, InstanceRead, InstanceOperate, HistoryRead, Correlate, ProcessRead, ModelRead, DecisionRead, ServiceRead, MetricsRead, ReservationBook, DirectoryRead },
        [Caller.Auditor] = new HashSet<Permission> { HistoryRead, InstanceRead, ProcessRead, ModelRead, DecisionRead, ServiceRead, CouncilRead, ReservationBook, DirectoryRead, MobileRead, PlanningRead },
        // The Büro der Stadtverordnetenversammlung (Sitzungsdienst): keeps the Sitzungskalender and the minutes, works its tasks.
        [Caller.Sitzungsdienst] = new HashSet<Permission> { CouncilManage, CouncilRead, TaskWork, ProcessStart, ProcessRead, ModelRead, ServiceRead, ReservationBook, DirectoryRead, StaffTimeRead, MobileRead, PlanningRead },
        // The Personalstelle (HR office): keeps the leave accounts and training budgets (Zeitmanagement) and the staff directory, works its tasks.
        [Caller.Personalstelle] = new HashSet<Permission> { StaffTimeManage, StaffTimeRead, TaskWork, ProcessStart, ProcessRead, ModelRead, DecisionRead, ServiceRead, ReservationBook, DirectoryRead, DirectoryManage, MobileRead },
        // The IT-Service: keeps the Mobilfunk catalogue (tariffs, devices), orders and hands over devices, sees every contract with its costs.
        [Caller.ItService] = new HashSet<Permission> { MobileManage, MobileRead, TaskWork, ProcessStart, ProcessRead, ModelRead, DecisionRead, ServiceRead, ReservationBook, DirectoryRead },
        // The Kita-Verwaltung (Jugendamt): keeps the Kitas and their places, reads the waiting list, works the Kita cases.
        [Caller.Kitaverwaltung] = new HashSet<Permission> { ChildcareManage, ChildcareRead, TaskWork, ProcessStart, ProcessRead, ModelRead, DecisionRead, ServiceRead, ReservationBook, DirectoryRead },
        [Caller.Worker] = new HashSet<Permission> { ExternalTaskWork },
        // Prometheus' scrape client (client credentials, oauth2 in the scrape config): the metrics and nothing else.
        [Caller.Monitoring] = new HashSet<Permission> { MetricsRead },
    };

    /// <summary>Every role name the table knows (the CLI refuses others).</summary>
    public static IReadOnlyList<string> Roles => Table.Keys.ToList();

    public static bool Allows(Caller caller, Permission permission)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return permission switch
        {
            Public => true,
            // Citizens (BundID sessions, only on /buerger and /api/citizen) hold the citizen permission and nothing else;
            // it is no role an account or client can be given.
            CitizenSelf => caller.Kind == CallerKind.Citizen,
            _ when caller.Kind == CallerKind.Citizen => false,
            SignedIn => true,
            _ => caller.Roles.Any(r => Table.TryGetValue(r, out var set) && set.Contains(permission)),
        };
    }

    /// <summary>The roles that hold a permission (for messages and the permission matrix test).</summary>
    public static IReadOnlyList<string> RolesWith(Permission permission) =>
        Table.Where(kv => kv.Value.Contains(permission)).Select(kv => kv.Key).ToList();
}
