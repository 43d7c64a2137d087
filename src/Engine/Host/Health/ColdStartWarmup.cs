using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Health;

/// <summary>
/// (Issue 21, item 6) What the first requests of a freshly started node would otherwise pay for one by one, on the threads
/// that should answer them: the EF Core models and the first translation of each hot query (task list and counts, the
/// case page, instance and history reads, the open-instance count, the deployments' stamp), the identity store's queries
/// and the readiness probe — done once before the node listens, so a node started under load answers from its first
/// request on. Nothing is written except the readiness probe's own row; a failure here (the store away) is left to the
/// readiness probe to report and does not stop the start.
/// </summary>
internal static class ColdStartWarmup
{
    /// <summary>
    /// The store's part (the runtime store's model and hot queries, the deployments' stamp): needs neither the host's services
    /// nor anything the start does after the deployment, so the start runs it on the second core while it builds the host
    /// (issue 15) and waits for it before <see cref="Run"/>.
    /// </summary>
    public static void RunStore(TenantEngines engines, string tenantId)
    {
        var tenant = engines.Get(tenantId);
        var store = tenant.Engine.Store;
        const string none = "00000000000000000000000000000000";
        Try(() => tenant.CatchUp());
        Try(() => store.Load(tenantId, none));
        Try(() => store.CountOpenCases(tenantId));
        Try(() => store.InstancesPage(tenantId, new Runtime.Store.InstanceQuery(), 0, 1));
        Try(() => store.OpenIncidentsPage(tenantId, null, 0, 1));
        Try(() => store.HistoryPage(tenantId, none, 0, 1));
        Try(() => store.InstanceTree(tenantId, none));
        Try(() => store.OpenExternalTasksPage(tenantId, null, null, 0, 1));
    }

    /// <summary>The host's part (task lists, the identity store's queries, the readiness probe), once the host is built.</summary>
    public static void Run(IServiceProvider services, TenantEngines engines, string tenantId)
    {
        var tenant = engines.Get(tenantId);
        var nobody = new Caller("warm-up", null, CallerKind.Person, new HashSet<string> { Caller.Clerk }, new HashSet<string> { "warm-up" }, [tenantId]);
        if (services.GetService<Postkorb.PostkorbServices>() is { } postkorb)
        {
            var tasks = postkorb.Tasks(tenant);
            Try(() => tasks.Counts(nobody));
            Try(() => tasks.List(nobody, new Postkorb.TaskListRequest()));
        }
        if (services.GetService<Identity.Accounts.AccountStore>() is { } accounts)
            Try(() => accounts.FindAsync("warm-up").GetAwaiter().GetResult()); // before the node listens: no request waits on it
        using (var scope = services.CreateScope())
            if (scope.ServiceProvider.GetService<Identity.Clients.ClientStore>() is { } clients)
                Try(() => clients.FindAsync("warm-up").GetAwaiter().GetResult());
        if (services.GetService<ReadinessProbe>() is { } ready)
            Try(ready.Warm);
    }

    private static void Try(Action read)
    {
        try { read(); }
        catch (Exception e) when (e is not OutOfMemoryException) { } // the readiness probe reports what is wrong with the store
    }
}
