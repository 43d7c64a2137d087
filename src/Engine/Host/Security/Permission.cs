namespace EGov.Workflows.Host.Security;

/// <summary>
/// What an endpoint needs before it does anything. Every endpoint states exactly one with
/// <see cref="EndpointPermissions.RequirePermission{TBuilder}"/>; an endpoint without one refuses every request
/// (deny by default), and a test enumerates the endpoints and fails when one has none. Which roles hold which
/// permission is decided in one place (<c>RolePermissions</c>), not at the endpoints.
/// </summary>
public enum Permission
{
    /// <summary>No identity needed: liveness, the sign-in page, static assets, OIDC discovery. Used sparingly.</summary>
    Public,
    /// <summary>Any validated identity (a person or a client), e.g. "who am I".</summary>
    SignedIn,
    /// <summary>List deployed process definitions and their versions.</summary>
    ProcessRead,
    /// <summary>Read a deployed model's XML (the diagram on a task page, the designer).</summary>
    ModelRead,
    /// <summary>Start an instance (the definition's candidateStarterGroups/-Users are checked on top).</summary>
    ProcessStart,
    /// <summary>Deploy models, change decision tables and forms (analysts).</summary>
    Deploy,
    /// <summary>Read process instances and their variables (operators, auditors).</summary>
    InstanceRead,
    /// <summary>Change a running instance: cancel it, set variables (operators).</summary>
    InstanceOperate,
    /// <summary>Read history: element, variable, task and incident events (auditors, operators).</summary>
    HistoryRead,
    /// <summary>Work user tasks: list, claim, complete — only tasks assigned or offered to the identity (clerks).</summary>
    TaskWork,
    /// <summary>Reassign tasks of the groups one leads (team leads).</summary>
    TaskAssign,
    /// <summary>Read incidents, retry them (operators).</summary>
    IncidentOperate,
    /// <summary>Validate and run migrations of running instances (operators).</summary>
    Migrate,
    /// <summary>Correlate messages, broadcast signals (operators and machine clients).</summary>
    Correlate,
    /// <summary>Fetch, lock and complete external tasks of the client's topics (workers).</summary>
    ExternalTaskWork,
    /// <summary>Manage accounts, clients and tenants (administrators).</summary>
    AccountAdmin,
    /// <summary>Read analytics over many instances (analysts).</summary>
    Analytics,
    /// <summary>List deployed decision definitions with their inputs and outputs (designers, analysts, clerks' tools).</summary>
    DecisionRead,
    /// <summary>Read the service catalogue: the services (service.yaml) and the imported Leistungen, digital or not (every member of staff).</summary>
    ServiceRead,
    /// <summary>Evaluate a deployed decision directly with given variables (analysts testing rules, other systems asking a rule).</summary>
    DecisionEvaluate,
    /// <summary>Scrape the metrics (<c>/metrics</c>, Prometheus format): a monitoring client, operators.</summary>
    MetricsRead,
    /// <summary>A citizen signed in with BundID: their own identity, services to apply for, their own cases (the citizen role only).</summary>
    CitizenSelf,
    /// <summary>
    /// Read the Ratsinformationssystem: Gremien, Sitzungskalender, papers and their minutes — a non-public paper and its minutes
    /// only for the members of its Gremium's group, the Büro der Stadtverordnetenversammlung and the drafting Fachbereich (members of staff).
    /// </summary>
    CouncilRead,
    /// <summary>Keep the Sitzungskalender: the Körperschaft, Gremien, sessions with their Einreichungsfristen, the minutes (Büro der Stadtverordnetenversammlung).</summary>
    CouncilManage,
    /// <summary>
    /// Delete an ended case's personal data on request (Art. 17 DSGVO), leaving a tombstone: irreversible, so held by the
    /// administrators only (the scheduled deletion after the Aufbewahrungsfrist needs nobody).
    /// </summary>
    CaseDelete,
    /// <summary>
    /// Zeitmanagement: read one's OWN leave account and its bookings, and the cost centres' training budgets (members of staff);
    /// other people's accounts only with <see cref="StaffTimeManage"/>.
    /// </summary>
    StaffTimeRead,
    /// <summary>Keep every leave account (entitlement, carry-over) and training budget, read the reservations (the Personalstelle).</summary>
    StaffTimeManage,
    /// <summary>
    /// See the rooms and official cars with their calendars, book one, see and cancel one's own bookings (every member of staff).
    /// A booking that needs approval waits for it; who approves is the resource's approving group, in the Postkorb.
    /// </summary>
    ReservationBook,
    /// <summary>Keep the rooms and cars (add, change, take out of service) and cancel any booking (Hausverwaltung, Fahrbereitschaft: administrators).</summary>
    ResourceManage,
    /// <summary>Read the staff directory (Adressbuch): people, org units, phone, room, deputies (every member of staff).</summary>
    DirectoryRead,
    /// <summary>Keep the staff directory: people, org units with their Postkorb group and lead, standing deputies (administrators, Personalstelle).</summary>
    DirectoryManage,
    /// <summary>
    /// Mobilfunk: read the standard catalogue of tariffs and devices and one's OWN contracts and devices (every member of staff);
    /// other people's contracts, the overview and the costs only with <see cref="MobileManage"/>.
    /// </summary>
    MobileRead,
    /// <summary>Keep the catalogue of tariffs and devices, see every contract with its costs (the overview) — the IT-Service.</summary>
    MobileManage,
    /// <summary>
    /// eAkte Stadtplanung: search and read the Bauleitplan procedures and their documents; a confidential procedure only as a member
    /// of its lead group or one of its read groups (else it is not found).
    /// </summary>
    PlanningRead,
    /// <summary>
    /// Online-Terminierung at the desk: the clerks' day view of a Bürgerbüro, mark an appointment as attended, done or missed,
    /// rebook or cancel it (clerks and team leads of the Postkorb).
    /// </summary>
    AppointmentWork,
    /// <summary>Keep the Bürgerbüros' places (counters, slot grid), opening hours and the services with their durations (administrators).</summary>
    AppointmentManage,
    /// <summary>Kita: read the Kitas with their places and how many are free (members of staff, e.g. for advice at the desk).</summary>
    ChildcareRead,
    /// <summary>Kita: keep the Kitas and their places, read the waiting list with the children's names and ranks (the Kita-Verwaltung).</summary>
    ChildcareManage,
}

/// <summary>Endpoint metadata: the one permission an endpoint needs.</summary>
public sealed record EndpointPermission(Permission Permission);
