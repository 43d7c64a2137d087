using System.Data.Common;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// A tenant's version of a shared model on a durable store (issue 16 item 4, SQLite and PostgreSQL when EGOV_TEST_POSTGRES
/// names one): a deployments row naming the default tenant's stored version and keeping the overlay (migration 0039), not a
/// merged copy of the model — the model is made from the two when it is read. It runs as the merged copy did, survives a
/// restart (a new node over the same store continues the case on the merged graph), an unchanged restart stores nothing, and
/// a shared-model update makes new reference versions while a case on the old version keeps the old merge.
/// </summary>
public sealed class OverlayDurableReferenceTests
{
    private const string Process = "Process_Hundesteuer";

    private static string? PostgresConnection => Environment.GetEnvironmentVariable("EGOV_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    public static TheoryData<string> Stores()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ATenantsVersion_IsAReferenceRow_RunsMerged_ContinuesAfterARestart_AndAnUnchangedRestartStoresNothing(string store)
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        using var db = Db.For(store);
        string caseId;
        string sharedTenant;
        (long Count, long Last) before;
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store))
        {
            var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
            sharedTenant = engines.DefaultTenantId;
            // The rows: no model text, the shared version, the overlay; the forms only where the overlay relabels them.
            foreach (var tenant in new[] { "gemeinde-a", "gemeinde-b" })
            {
                var row = db.Row(tenant, Process, 1);
                row.XmlLength.ShouldBe(0, $"{tenant}'s version keeps no copy of the model");
                row.SharedTenant.ShouldBe(sharedTenant);
                row.SharedVersion.ShouldBe(1);
                row.ContentHash.ShouldStartWith("overlay:");
                row.HasOverlay.ShouldBeTrue();
            }
            db.Forms("gemeinde-a").ShouldBe(2, "gemeinde-a relabels both forms");
            db.Forms("gemeinde-b").ShouldBe(0, "gemeinde-b relabels none: its versions show the shared forms");
            engines.Get("gemeinde-a").DeployedSize.ShouldBeLessThan(1000, "the overlay, not the model");
            engines.Get(sharedTenant).DeployedSize.ShouldBeGreaterThan(1000);

            caseId = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-a");
            (await s.InstanceAsync(caseId, "gemeinde-a"))["variables"]!["gebuehr"]!.GetValue<string>().ShouldBe("45.00");
            var task = engines.Get("gemeinde-a").Engine.OpenUserTasks(caseId).Single();
            task.ElementId.ShouldBe("Task_Wesenstest", "the tenant's path is always taken");
            task.CandidateGroups.ShouldBe(["steuern-a"]);
            var entry = engines.Get("gemeinde-a").Catalog.Latest(Process)!;
            entry.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P10D");
            entry.Element("Task_Pruefen")!.Attribute("name").ShouldBe("Hundeanmeldung prüfen (Gemeinde A)");
            before = db.Stamp();
        }

        // A new node over the same store: nothing merged or stored for the unchanged overlays; the case continues on the
        // tenant's graph, made from the shared version and the overlay.
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store, nodeId: "node-2"))
        {
            db.Stamp().ShouldBe(before, "an unchanged restart stores no version");
            var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
            var a = engines.Get("gemeinde-a");
            a.Engine.IsGraphBuilt(Process, 1).ShouldBeFalse("nothing was built for the tenant's version at the start");
            var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
            rows.Single(r => r["tenant"]!.GetValue<string>() == "gemeinde-a")["version"]!.GetValue<int>().ShouldBe(1);

            var wesenstest = a.Engine.OpenUserTasks(caseId).Single();
            a.Engine.CompleteUserTask(wesenstest.Id);
            var pruefen = a.Engine.OpenUserTasks(caseId).Single();
            pruefen.ElementId.ShouldBe("Task_Pruefen");
            pruefen.CandidateGroups.ShouldBe(["steuern-a"], "the restarted node runs the tenant's merged graph");
            pruefen.Name.ShouldBe("Hundeanmeldung prüfen (Gemeinde A)");
            a.Forms.Find(Process, 1, "egov:forms/pruefung")!["components"]![0]!["label"]!.GetValue<string>().ShouldBe("Anmeldung vollständig geprüft");
            var b = engines.Get("gemeinde-b");
            var shared = engines.Get(sharedTenant).Forms.Find(Process, 1, "egov:forms/pruefung")!;
            b.Forms.Find(Process, 1, "egov:forms/pruefung")!.ToJsonString().ShouldBe(shared.ToJsonString(), "the shared form, not a copy in the store");
            b.Catalog.Find(Process, 1)!.Element("Task_Pruefen")!.Attribute("name").ShouldBe("Anmeldung prüfen (Gemeinde B)");
            var id = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = true } }, tenant: "gemeinde-b");
            b.Engine.OpenUserTasks(id).Single().CandidateGroups.ShouldBe(["steueramt"]);

            // The model download makes the tenant's model from the shared version and the overlay.
            using (var xml = await s.SendAsync(HttpMethod.Get, $"api/process-definitions/{Process}/versions/1/xml", tenant: "gemeinde-a"))
            {
                var text = await xml.Content.ReadAsStringAsync();
                ((int)xml.StatusCode).ShouldBe(200, text);
                text.ShouldContain("Hundeanmeldung prüfen (Gemeinde A)");
                text.ShouldContain("steuern-a");
            }
            // The shared version that tenants' versions are made from cannot be deleted while they name it.
            using (var delete = await s.SendAsync(HttpMethod.Delete, $"api/process-definitions/{Process}/versions/1", tenant: sharedTenant))
                ((int)delete.StatusCode).ShouldBe(409, await delete.Content.ReadAsStringAsync());
            engines.Get(sharedTenant).Catalog.Find(Process, 1).ShouldNotBeNull();
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ASharedUpdate_MakesNewReferenceVersions_ACaseOnTheOldVersionKeepsTheOldMerge_AlsoAfterARestart(string store)
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        using var db = Db.For(store);
        string oldCase;
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store))
        {
            var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
            oldCase = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-b");

            var changed = File.ReadAllText(copy.SharedModel).Replace("egov:frist=\"P2W\"", "egov:frist=\"P3W\"", StringComparison.Ordinal);
            await OverlayRedeployTests.DeployXmlAsync(s, changed, "hundesteuer.bpmn");

            var row = db.Row("gemeinde-b", Process, 2);
            row.XmlLength.ShouldBe(0, "the new version is a reference too");
            row.SharedVersion.ShouldBe(2);
            db.Row("gemeinde-b", Process, 1).SharedVersion.ShouldBe(1, "the old version still names the old shared model");
            var b = engines.Get("gemeinde-b");
            b.Catalog.Latest(Process)!.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P3W");
            (await s.InstanceAsync(oldCase, "gemeinde-b"))["version"]!.GetValue<int>().ShouldBe(1);
        }

        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store, nodeId: "node-2"))
        {
            var b = s.Server.App.Services.GetRequiredService<TenantEngines>().Get("gemeinde-b");
            // The old case's version is made from shared version 1 (P2W), the new one from version 2 (P3W); both with B's wording.
            b.Catalog.Find(Process, 1)!.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P2W");
            b.Catalog.Find(Process, 1)!.Element("Task_Pruefen")!.Attribute("name").ShouldBe("Anmeldung prüfen (Gemeinde B)");
            b.Catalog.Find(Process, 2)!.Element("Task_Pruefen")!.Attribute("name").ShouldBe("Anmeldung prüfen (Gemeinde B)");
            var task = b.Engine.OpenUserTasks(oldCase).Single();
            task.Name.ShouldBe("Anmeldung prüfen (Gemeinde B)");
            b.Engine.CompleteUserTask(task.Id);
            (await s.InstanceAsync(oldCase, "gemeinde-b"))["state"]!.GetValue<string>().ShouldBe("completed");
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AnOverlayDeployedThroughOneNode_IsAReferenceRow_AndAnotherNodeRunsIt(string store)
    {
        using var copyA = new OverlayRedeployTests.OverlayCopy();
        using var copyB = new OverlayRedeployTests.OverlayCopy();
        using var db = Db.For(store);
        await using var a = await TestServer.StartAsync(processes: copyA.Processes, store: db.Store, nodeId: "node-a");
        await using var b = await TestServer.StartAsync(processes: copyA.Processes, store: db.Store, nodeId: "node-b",
            configure: o => o with { TenantsDirectory = copyB.Tenants });
        using (var put = await OverlayRedeployTests.PutOverlayAsync(a, "06412000", "hundesteuer", "groups: { steueramt: steuern-m }\nfristen: { Task_Pruefen: P5D }\n"))
            ((int)put.StatusCode).ShouldBe(200, await put.Content.ReadAsStringAsync());
        db.Row("06412000", Process, 1).XmlLength.ShouldBe(0);

        var engines = b.Server.App.Services.GetRequiredService<TenantEngines>();
        var id = await b.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "06412000");
        engines.Get("06412000").Engine.OpenUserTasks(id).Single().CandidateGroups.ShouldBe(["steuern-m"]);
        engines.Get("06412000").Catalog.Find(Process, 1)!.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P5D");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ManyTenants_DeployedSideBySide_StoreReferenceRows_AndARestartStoresNothing(string store)
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        for (var k = 0; k < 70; k++)
        {
            var folder = Path.Combine(copy.Tenants, $"t{k:D2}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "hundesteuer.overlay.yaml"), k == 13
                ? "texts: { Task_Gibtsnicht: x }\n"
                : $"groups: {{ steueramt: steuern-{k} }}\ntexts: {{ Task_Pruefen: \"Prüfen ({k})\" }}\n");
        }
        using var db = Db.For(store);
        (long Count, long Last) stamp;
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store))
        {
            var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
            rows.Count(r => r["state"]!.GetValue<string>() == "deployed").ShouldBe(71);
            rows.Single(r => r["tenant"]!.GetValue<string>() == "t13")["state"]!.GetValue<string>().ShouldBe("refused");
            db.Row("t42", Process, 1).XmlLength.ShouldBe(0);
            db.Row("t07", Process, 1).SharedVersion.ShouldBe(1);
            db.Versions("t13").ShouldBe(0, "nothing stored for the overlay that does not fit");
            stamp = db.Stamp();
        }
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store, nodeId: "node-2"))
        {
            db.Stamp().ShouldBe(stamp, "an unchanged restart stores no version");
            var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
            var id = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "t42");
            var task = engines.Get("t42").Engine.OpenUserTasks(id).Single();
            task.CandidateGroups.ShouldBe(["steuern-42"]);
            task.Name.ShouldBe("Prüfen (42)");
        }
    }

    /// <summary>
    /// An overlay that changes neither the process's name nor its starters leaves the version's outline the shared one: the
    /// row names it (no copy of its text), and a restart reads the shared version's. A renamed process keeps its own.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AnOutlineThatIsTheSharedOnes_IsNotCopied_AndARestartReadsTheSharedVersions(string store)
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        void Overlay(string tenant, string yaml)
        {
            Directory.CreateDirectory(Path.Combine(copy.Tenants, tenant));
            File.WriteAllText(Path.Combine(copy.Tenants, tenant, "hundesteuer.overlay.yaml"), yaml);
        }
        Overlay("t-plain", "texts: { Task_Pruefen: \"Prüfen (schlicht)\" }\n");
        Overlay("t-named", $"texts: {{ {Process}: \"Hundesteuer der Gemeinde\" }}\n");
        using var db = Db.For(store);
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store))
        {
            var shared = s.Server.App.Services.GetRequiredService<TenantEngines>().DefaultTenantId;
            db.Outline("t-plain", Process, 1).ShouldBe(Persistence.Deployments.DeploymentOutline.SharedMarker);
            db.Outline("t-named", Process, 1).ShouldContain("Hundesteuer der Gemeinde");
            db.Outline(shared, Process, 1).ShouldStartWith("{");
        }
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store, nodeId: "node-2"))
        {
            var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
            var sharedOutline = engines.Get(engines.DefaultTenantId).Catalog.Latest(Process)!.Outline.ShouldNotBeNull();
            var plain = engines.Get("t-plain").Catalog.Latest(Process)!;
            plain.Outline.ShouldNotBeNull().ToJson().ShouldBe(sharedOutline.ToJson());
            plain.Name.ShouldBe(sharedOutline.Name);
            engines.Get("t-named").Catalog.Latest(Process)!.Name.ShouldBe("Hundesteuer der Gemeinde");
            var id = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "t-plain");
            engines.Get("t-plain").Engine.OpenUserTasks(id).Single().Name.ShouldBe("Prüfen (schlicht)");
        }
    }

    /// <summary>A test's store (a SQLite file or a fresh PostgreSQL schema) with the reads the tests make of its deployments table.</summary>
    private sealed class Db(string store, string connection, bool postgres, Action drop) : IDisposable
    {
        public string Store { get; } = store;

        public static Db For(string store)
        {
            if (store == "sqlite")
            {
                var dir = Path.Combine(Path.GetTempPath(), "egov-overlay-tests", Guid.NewGuid().ToString("N"));
                var file = Path.Combine(dir, "egov.db");
                return new Db($"sqlite:{file}", $"Data Source={file};Pooling=False", false, () =>
                {
                    try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                });
            }
            var schema = "overlayref_" + Guid.NewGuid().ToString("N")[..12];
            Execute(PostgresConnection!, $"CREATE SCHEMA \"{schema}\"");
            var cs = new NpgsqlConnectionStringBuilder(PostgresConnection!) { SearchPath = schema }.ConnectionString;
            return new Db($"postgres:{cs}", cs, true, () =>
            {
                NpgsqlConnection.ClearAllPools();
                Execute(PostgresConnection!, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            });
        }

        private static void Execute(string connection, string sql)
        {
            using var c = new NpgsqlConnection(connection);
            c.Open();
            using var cmd = new NpgsqlCommand(sql, c);
            cmd.ExecuteNonQuery();
        }

        public sealed record DeploymentRow(long XmlLength, string? SharedTenant, int? SharedVersion, string ContentHash, bool HasOverlay);

        public DeploymentRow Row(string tenant, string processId, int version)
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT length(bpmn_xml), shared_tenant_id, shared_version, content_hash, overlay_json IS NOT NULL FROM deployments WHERE tenant_id = '{tenant}' AND process_id = '{processId}' AND version = {version}";
            using var r = cmd.ExecuteReader();
            r.Read().ShouldBeTrue($"{tenant} {processId} version {version} is stored");
            return new DeploymentRow(Convert.ToInt64(r.GetValue(0)), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : Convert.ToInt32(r.GetValue(2)),
                r.GetString(3), Convert.ToBoolean(r.GetValue(4)));
        }

        /// <summary>The stored outline text of one version.</summary>
        public string Outline(string tenant, string processId, int version)
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT outline FROM deployments WHERE tenant_id = '{tenant}' AND process_id = '{processId}' AND version = {version}";
            return cmd.ExecuteScalar() as string ?? throw new InvalidOperationException($"{tenant} {processId} version {version}: no outline stored");
        }

        public long Versions(string tenant) => Scalar($"SELECT count(*) FROM deployments WHERE tenant_id = '{tenant}'");

        public long Forms(string tenant) => Scalar($"SELECT count(*) FROM deployment_forms WHERE tenant_id = '{tenant}'");

        /// <summary>How many versions are stored and the latest deployment instant, over every tenant.</summary>
        public (long Count, long Last) Stamp() => (Scalar("SELECT count(*) FROM deployments"), Scalar("SELECT COALESCE(max(deployed_at), 0) FROM deployments"));

        private long Scalar(string sql)
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(cmd.ExecuteScalar());
        }

        private DbConnection Open()
        {
            DbConnection c = postgres ? new NpgsqlConnection(connection) : new SqliteConnection(connection);
            c.Open();
            return c;
        }

        public void Dispose() => drop();
    }
}
