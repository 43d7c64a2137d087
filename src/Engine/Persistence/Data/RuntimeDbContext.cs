using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// The EF Core mapping of the store's tables. The schema itself comes from the versioned scripts under Schema/ (applied
/// by <see cref="Schema.SchemaMigrator"/>), so this mapping only names tables, columns and keys; it never creates anything.
/// </summary>
internal sealed class RuntimeDbContext(DbContextOptions<RuntimeDbContext> options) : DbContext(options)
{
    public DbSet<InstanceRow> Instances => Set<InstanceRow>();
    public DbSet<SubscriptionIndexRow> Subscriptions => Set<SubscriptionIndexRow>();
    public DbSet<JobIndexRow> Jobs => Set<JobIndexRow>();
    public DbSet<UserTaskIndexRow> UserTasks => Set<UserTaskIndexRow>();
    public DbSet<ExternalTaskIndexRow> ExternalTasks => Set<ExternalTaskIndexRow>();
    public DbSet<IncidentIndexRow> Incidents => Set<IncidentIndexRow>();
    public DbSet<StartTimerRow> StartTimers => Set<StartTimerRow>();
    public DbSet<HistoryElementInstanceRow> History => Set<HistoryElementInstanceRow>();
    public DbSet<DeploymentRow> Deployments => Set<DeploymentRow>();
    public DbSet<DeploymentFormRow> DeploymentForms => Set<DeploymentFormRow>();
    public DbSet<HistoryVariableRow> HistoryVariables => Set<HistoryVariableRow>();
    public DbSet<HistoryTaskRow> HistoryTasks => Set<HistoryTaskRow>();
    public DbSet<HistoryIncidentRow> HistoryIncidents => Set<HistoryIncidentRow>();
    public DbSet<HistoryActivityPackRow> HistoryActivityPacks => Set<HistoryActivityPackRow>();
    public DbSet<HistoryDecisionRow> HistoryDecisions => Set<HistoryDecisionRow>();
    public DbSet<DecisionDeploymentRow> DecisionDeployments => Set<DecisionDeploymentRow>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<InstanceRow>(e =>
        {
            e.ToTable("instances");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).ValueGeneratedOnAdd();
            e.HasAlternateKey(x => new { x.TenantId, x.Id });
        });
        b.Entity<SubscriptionIndexRow>(e => { e.ToTable("subscriptions"); e.HasKey(x => new { x.TenantId, x.InstanceId, x.SubscriptionId }); });
        b.Entity<JobIndexRow>(e => { e.ToTable("jobs"); e.HasKey(x => new { x.TenantId, x.InstanceId, x.JobId, x.Kind }); });
        b.Entity<UserTaskIndexRow>(e => { e.ToTable("user_tasks"); e.HasKey(x => new { x.TenantId, x.InstanceId, x.TaskId }); });
        b.Entity<ExternalTaskIndexRow>(e => { e.ToTable("external_tasks"); e.HasKey(x => new { x.TenantId, x.InstanceId, x.TaskId }); });
        b.Entity<IncidentIndexRow>(e => { e.ToTable("incidents"); e.HasKey(x => new { x.TenantId, x.InstanceId, x.IncidentId }); });
        b.Entity<StartTimerRow>(e =>
        {
            e.ToTable("start_timers");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).ValueGeneratedOnAdd();
            e.HasAlternateKey(x => new { x.TenantId, x.Id });
        });
        HistoryTable<HistoryElementInstanceRow>(b, "history_element_instances");
        HistoryTable<HistoryVariableRow>(b, "history_variables");
        HistoryTable<HistoryTaskRow>(b, "history_tasks");
        HistoryTable<HistoryIncidentRow>(b, "history_incidents");
        HistoryTable<HistoryActivityPackRow>(b, "history_activity_packs");
        b.Entity<DeploymentRow>(e => { e.ToTable("deployments"); e.HasKey(x => new { x.TenantId, x.ProcessId, x.Version }); });
        b.Entity<DeploymentFormRow>(e => { e.ToTable("deployment_forms"); e.HasKey(x => new { x.TenantId, x.ProcessId, x.Version, x.FormKey }); });
        b.Entity<HistoryDecisionRow>(e => { e.ToTable("history_decisions"); e.HasKey(x => x.Seq); e.Property(x => x.Seq).ValueGeneratedOnAdd(); });
        b.Entity<DecisionDeploymentRow>(e => { e.ToTable("decision_deployments"); e.HasKey(x => new { x.TenantId, x.DecisionKey, x.Version }); });

        // snake_case columns, as the scripts name them.
        foreach (var entity in b.Model.GetEntityTypes())
            foreach (var p in entity.GetProperties())
                p.SetColumnName(SnakeCase(p.Name));
    }

    /// <summary>An append-only history table: keyed by the order rows were written in.</summary>
    private static void HistoryTable<TRow>(ModelBuilder b, string table) where TRow : HistoryRow =>
        b.Entity<TRow>(e => { e.ToTable(table); e.HasKey(x => x.Seq); e.Property(x => x.Seq).ValueGeneratedOnAdd(); });

    internal static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
