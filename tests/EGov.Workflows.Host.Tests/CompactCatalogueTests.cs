using EGov.Workflows.Host.Deployment;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Issue 15: the deployment catalogue of a server on a durable store keeps ids, names and an outline, not models (the model is
/// read from the stored XML on demand, a bounded number cached), and a restart leaves files of the processes folder that are
/// exactly as deployed alone (their source hash) — while a changed model, a changed form and a broken model are read again.
/// </summary>
public sealed class CompactCatalogueTests
{
    private static string Folder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        Directory.CreateDirectory(Path.Combine(dir, "forms"));
        File.Copy(TestServer.ModelPath("postkorb/bauantrag.bpmn"), Path.Combine(dir, "bauantrag.bpmn"));
        File.Copy(TestServer.ModelPath("postkorb/forms/pruefung.form"), Path.Combine(dir, "forms", "pruefung.form"));
        File.Copy(TestServer.ModelPath("citizen-apply.bpmn"), Path.Combine(dir, "citizen-apply.bpmn"));
        return dir;
    }

    private static DeployedDefinition Entry(TestServer s, string processId) =>
        s.Server.Engines.Get(s.Server.Engines.DefaultTenantId).Catalog.Latest(processId).ShouldNotBeNull();

    [Fact]
    public async Task Restart_KeepsCompactEntries_AndReadsAgainWhatChanged()
    {
        var processes = Folder();
        var db = Path.Combine(Path.GetDirectoryName(processes)!, "data", "egov.db");
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            var entry = Entry(s, "Bauantrag");
            entry.Outline.ShouldNotBeNull(); // deployed just now: the catalogue keeps the outline ...
            entry.HasModel.ShouldBeTrue();
            entry.Definitions.ShouldNotBeNull().Processes.ShouldContain(p => p.Id == "Bauantrag"); // ... and reads the model when asked
            entry.FormKeys.ShouldBe(["egov:forms/pruefung"]);
        }
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            // Nothing of the start (restore, catalogue, service registry, warm-up) built an executable graph: built on first use.
            var engine = s.Server.Engines.Get(s.Server.Engines.DefaultTenantId).Engine;
            engine.IsGraphBuilt("Bauantrag", 1).ShouldBeFalse();
            engine.IsGraphBuilt("Process_Buerger_Antrag", 1).ShouldBeFalse();
            var entry = Entry(s, "Bauantrag");
            entry.Version.ShouldBe(1);
            entry.Name.ShouldBe("Bauantrag");
            entry.Outline.ShouldNotBeNull();
            entry.Element("Task_Pruefen").ShouldNotBeNull().Attribute("name").ShouldBe("Antrag prüfen"); // read from the stored XML
            var citizen = Entry(s, "Process_Buerger_Antrag");
            citizen.Name.ShouldBe("Testantrag online");
            EGov.Workflows.Host.Citizens.TrustLevelGuard.StartFormKey(citizen).ShouldBe("egov:forms/buerger-antrag");
            EGov.Workflows.Host.Citizens.TrustLevelGuard.Required(citizen).ShouldNotBeNull();
            var tenant = s.Server.Engines.Get(s.Server.Engines.DefaultTenantId);
            tenant.Forms.Find("Bauantrag", 1, "egov:forms/pruefung").ShouldNotBeNull()["id"]!.GetValue<string>().ShouldBe("Form_Pruefung");
            var list = (await s.GetJsonAsync("api/process-definitions")).AsArray();
            list.Select(d => d!["version"]!.GetValue<int>()).ShouldBe([1, 1]);
            engine.IsGraphBuilt("Bauantrag", 1).ShouldBeFalse(); // lists read outlines
            engine.GetInstance(engine.StartProcess("Bauantrag")).Version.ShouldBe(1);
            engine.IsGraphBuilt("Bauantrag", 1).ShouldBeTrue();
        }

        // A changed form beside an unchanged model: read again, kept with the same version.
        var form = Path.Combine(processes, "forms", "pruefung.form");
        File.WriteAllText(form, File.ReadAllText(form).Replace("Form_Pruefung", "Form_Pruefung_2", StringComparison.Ordinal));
        // The same model written differently (whitespace): keeps its version too.
        var model = Path.Combine(processes, "citizen-apply.bpmn");
        File.WriteAllText(model, File.ReadAllText(model) + "\n\n");
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            var tenant = s.Server.Engines.Get(s.Server.Engines.DefaultTenantId);
            tenant.Forms.Find("Bauantrag", 1, "egov:forms/pruefung").ShouldNotBeNull()["id"]!.GetValue<string>().ShouldBe("Form_Pruefung_2");
            Entry(s, "Process_Buerger_Antrag").Version.ShouldBe(1);
        }

        // A changed model: a new version; a broken one: the start is refused with its position.
        var bauantrag = Path.Combine(processes, "bauantrag.bpmn");
        File.WriteAllText(bauantrag, File.ReadAllText(bauantrag).Replace("name=\"Antrag prüfen\"", "name=\"Antrag genau prüfen\"", StringComparison.Ordinal));
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            var entry = Entry(s, "Bauantrag");
            entry.Version.ShouldBe(2);
            entry.Element("Task_Pruefen").ShouldNotBeNull().Attribute("name").ShouldBe("Antrag genau prüfen");
        }
        File.WriteAllText(bauantrag, File.ReadAllText(bauantrag).Replace("</bpmn:definitions>", "", StringComparison.Ordinal));
        var refused = await Should.ThrowAsync<ServerStartException>(() => TestServer.StartAsync(processes, $"sqlite:{db}"));
        refused.Lines.ShouldContain(m => m.StartsWith(bauantrag + ":", StringComparison.Ordinal) && m.Contains(": error: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VersionsStoredBeforeTheOutline_GetItFromTheirModelAtTheNextStart()
    {
        var processes = Folder();
        var db = Path.Combine(Path.GetDirectoryName(processes)!, "data", "egov.db");
        await using (await TestServer.StartAsync(processes, $"sqlite:{db}")) { }
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE deployments SET outline = NULL, process_name = NULL, source_hash = NULL";
            cmd.ExecuteNonQuery().ShouldBe(2);
        }
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            Entry(s, "Bauantrag").Name.ShouldBe("Bauantrag");
            Entry(s, "Bauantrag").Version.ShouldBe(1);
            Entry(s, "Process_Buerger_Antrag").Outline.ShouldNotBeNull().StartFormKey.ShouldBe("egov:forms/buerger-antrag");
        }
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM deployments WHERE outline IS NOT NULL AND process_name IS NOT NULL AND source_hash IS NOT NULL";
            Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(2);
        }
    }

    [Fact]
    public void ModelsReadOnDemand_AreCachedBounded_AndReadOncePerEntry()
    {
        var reads = 0;
        var model = new Bpmn.Reading.BpmnReader().ReadString(File.ReadAllText(TestServer.ModelPath("antrag.bpmn")), "antrag.bpmn").Definitions.ShouldNotBeNull();
        var entries = Enumerable.Range(1, DeployedModels.Capacity * 2)
            .Select(v => new DeployedDefinition("Antrag", "Antrag", v, "antrag.bpmn", null, DateTimeOffset.UnixEpoch) { Load = () => { Interlocked.Increment(ref reads); return model; } })
            .ToList();
        entries[0].Definitions.ShouldBeSameAs(model);
        entries[0].Definitions.ShouldBeSameAs(model);
        reads.ShouldBe(1);
        foreach (var e in entries) e.Definitions.ShouldNotBeNull();
        DeployedModels.Count.ShouldBeLessThanOrEqualTo(DeployedModels.Capacity);
        reads.ShouldBe(entries.Count); // each read once (the first still cached when the loop met it)
        entries[0].Definitions.ShouldBeSameAs(model);
        reads.ShouldBe(entries.Count + 1); // by now pushed out by the others: read again
    }
}
