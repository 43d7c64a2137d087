using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Overlays after the start (issue 16 item 4): a shared model deployed through the API reaches every tenant's overlay (merged
/// again, a new version where the merge changed); a tenant's overlay deployed through the API is merged, deployed and kept
/// under tenants/; both on the memory store, SQLite and PostgreSQL (when EGOV_TEST_POSTGRES names one), and across a restart.
/// Each test works on its own copy of Models/overlays (it writes overlay files).
/// </summary>
public sealed class OverlayRedeployTests
{
    public static TheoryData<string> Stores() => StoreUnderTest.All();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ASharedModelDeployedThroughTheApi_ReachesEveryTenantsOverlay(string store)
    {
        using var copy = new OverlayCopy();
        using var db = StoreFor(store);
        await using var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store);
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
        engines.Get("gemeinde-b").Catalog.Latest("Process_Hundesteuer")!.Version.ShouldBe(1);

        // The Land publishes a new shared model: the Prüffrist of three weeks, not two.
        var changed = File.ReadAllText(copy.SharedModel).Replace("egov:frist=\"P2W\"", "egov:frist=\"P3W\"", StringComparison.Ordinal);
        await DeployXmlAsync(s, changed, "hundesteuer.bpmn");

        var b = engines.Get("gemeinde-b").Catalog.Latest("Process_Hundesteuer")!;
        b.Version.ShouldBe(2, "gemeinde-b's merged model changed with the shared one");
        b.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P3W");
        b.Element("Task_Pruefen")!.Attribute("name").ShouldBe("Anmeldung prüfen (Gemeinde B)", "its overlay applied again");
        var a = engines.Get("gemeinde-a").Catalog.Latest("Process_Hundesteuer")!;
        a.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P10D", "gemeinde-a's own Frist stays");
        var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
        var rowB = rows.Single(r => r["tenant"]!.GetValue<string>() == "gemeinde-b");
        rowB["version"]!.GetValue<int>().ShouldBe(2);
        rowB["sharedVersion"]!.GetValue<int>().ShouldBe(2);
        rows.Single(r => r["tenant"]!.GetValue<string>() == "B")["state"]!.GetValue<string>().ShouldBe("refused");

        // A new case of gemeinde-b runs on its new version; the start form came along.
        var id = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-b");
        (await s.InstanceAsync(id, "gemeinde-b"))["version"]?.GetValue<int>().ShouldBe(2);
        engines.Get("gemeinde-b").Forms.Find("Process_Hundesteuer", 2, "egov:forms/anmeldung").ShouldNotBeNull();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ATenantsOverlayDeployedThroughTheApi_IsMergedDeployedAndKept_ARestartKeepsItsVersion(string store)
    {
        using var copy = new OverlayCopy();
        using var db = StoreFor(store);
        var overlay = "fees: { amount: 52.00 }\ngroups: { steueramt: steuern-m }\n";
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store))
        {
            using var response = await PutOverlayAsync(s, "06412000", "hundesteuer", overlay);
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBe(200, body);
            JsonNode.Parse(body)!["version"]!.GetValue<int>().ShouldBe(1);
            File.ReadAllText(Path.Combine(copy.Tenants, "06412000", "hundesteuer.overlay.yaml")).ShouldBe(overlay);
            var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
            var id = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = true } }, tenant: "06412000");
            engines.Get("06412000").Engine.OpenUserTasks(id).Single().CandidateGroups.ShouldBe(["steuern-m"]);
            (await s.GetJsonAsync("api/services/99092001000000", "06412000")).ToJsonString().ShouldContain("52");

            // An overlay that does not fit: 422 with the position, nothing written, the tenant's version unchanged.
            using var refused = await PutOverlayAsync(s, "06412000", "hundesteuer", "fees: { amount: 60.00 }\ntexts:\n  Task_Gibtsnicht: x\n");
            var problem = await refused.Content.ReadAsStringAsync();
            ((int)refused.StatusCode).ShouldBe(422, problem);
            problem.ShouldContain("hundesteuer.overlay.yaml:3:3: error: texts: the shared model");
            File.ReadAllText(Path.Combine(copy.Tenants, "06412000", "hundesteuer.overlay.yaml")).ShouldBe(overlay);
        }
        if (store == "memory") return;
        // Restarted on the same store: the kept overlay is merged again and keeps its version (nothing changed).
        await using (var s = await TestServer.StartAsync(processes: copy.Processes, store: db.Store))
        {
            var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
            var row = rows.Single(r => r["tenant"]!.GetValue<string>() == "06412000");
            row["state"]!.GetValue<string>().ShouldBe("deployed");
            row["version"]!.GetValue<int>().ShouldBe(1);
            rows.Single(r => r["tenant"]!.GetValue<string>() == "gemeinde-a")["version"]!.GetValue<int>().ShouldBe(1);
            var id = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-a");
            (await s.InstanceAsync(id, "gemeinde-a"))["variables"]!["gebuehr"]!.GetValue<string>().ShouldBe("45.00");
        }
    }

    public static TheoryData<string> DurableStores() => StoreUnderTest.Names();

    [Theory]
    [MemberData(nameof(DurableStores))]
    public async Task AnOverlayDeployedThroughOneNode_IsShownAndRunByAnotherNode_WithoutARestart(string store)
    {
        using var copyA = new OverlayCopy();
        using var copyB = new OverlayCopy(); // node B has its own tenants/ folder: it learns the overlay from the store only
        using var db = StoreFor(store);
        await using var a = await TestServer.StartAsync(processes: copyA.Processes, store: db.Store, nodeId: "node-a");
        await using var b = await TestServer.StartAsync(processes: copyA.Processes, store: db.Store, nodeId: "node-b",
            configure: o => o with { TenantsDirectory = copyB.Tenants });
        (await b.GetJsonAsync("api/services/overlays")).AsArray().ShouldNotContain(r => r!["tenant"]!.GetValue<string>() == "06412000");

        using (var put = await PutOverlayAsync(a, "06412000", "hundesteuer", "fees: { amount: 52.00 }\ngroups: { steueramt: steuern-m }\n"))
            ((int)put.StatusCode).ShouldBe(200, await put.Content.ReadAsStringAsync());
        File.Exists(Path.Combine(copyB.Tenants, "06412000", "hundesteuer.overlay.yaml")).ShouldBeFalse();

        // Node B: the overview row, the tenant's fee and group in the catalogue, and a new case's task for the tenant's group.
        var row = (await b.GetJsonAsync("api/services/overlays")).AsArray().Single(r => r!["tenant"]!.GetValue<string>() == "06412000")!;
        row["state"]!.GetValue<string>().ShouldBe("deployed");
        row["version"]!.GetValue<int>().ShouldBe(1);
        var service = (await b.GetJsonAsync("api/services/99092001000000", "06412000")).ToJsonString();
        service.ShouldContain("52");
        service.ShouldContain("steuern-m");
        var engines = b.Server.App.Services.GetRequiredService<TenantEngines>();
        var id = await b.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = true } }, tenant: "06412000");
        engines.Get("06412000").Engine.OpenUserTasks(id).Single().CandidateGroups.ShouldBe(["steuern-m"]);

        // Written again through node A (a new fee): node B shows the new one, on a new version of the tenant's model.
        using (var put = await PutOverlayAsync(a, "06412000", "hundesteuer", "fees: { amount: 61.50 }\ngroups: { steueramt: steuern-n }\n"))
            ((int)put.StatusCode).ShouldBe(200, await put.Content.ReadAsStringAsync());
        service = (await b.GetJsonAsync("api/services/99092001000000", "06412000")).ToJsonString();
        service.ShouldContain("61.5");
        service.ShouldContain("steuern-n");
        service.ShouldNotContain("steuern-m");
        var again = (await b.GetJsonAsync("api/services/overlays")).AsArray().Single(r => r!["tenant"]!.GetValue<string>() == "06412000")!;
        again["version"]!.GetValue<int>().ShouldBe(2);
        again["overlayHash"]!.GetValue<string>().ShouldNotBe(row["overlayHash"]!.GetValue<string>());
    }

    internal static async Task DeployXmlAsync(TestServer s, string xml, string name)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(xml));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var response = await s.Http.PostAsync($"api/deployments?name={name}", content);
        ((int)response.StatusCode).ShouldBe(201, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<HttpResponseMessage> PutOverlayAsync(TestServer s, string tenant, string service, string yaml)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/services/overlays/{service}") { Content = new StringContent(yaml, Encoding.UTF8, "application/yaml") };
        request.Headers.Add("X-Tenant", tenant);
        return await s.Http.SendAsync(request);
    }

    /// <summary>The store of a test: memory, a SQLite file in a temp folder, or a fresh PostgreSQL schema (dropped after).</summary>
    private static StoreUnderTest StoreFor(string store) => StoreUnderTest.Of(store, "overlays");

    /// <summary>A copy of Models/overlays (processes/ and tenants/) in a temp folder.</summary>
    internal sealed class OverlayCopy : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "egov-overlay-copy", Guid.NewGuid().ToString("N"));

        public OverlayCopy()
        {
            var source = TestServer.ModelPath("overlays");
            foreach (var f in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(_root, Path.GetRelativePath(source, f));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(f, target);
            }
        }

        public string Processes => Path.Combine(_root, "processes");
        public string Tenants => Path.Combine(_root, "tenants");
        public string SharedModel => Path.Combine(Processes, "hundesteuer", "hundesteuer.bpmn");

        public void Dispose()
        {
            try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
