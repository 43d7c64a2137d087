using System.Net;

namespace EGov.Workflows.Host.Tests;

/// <summary>/api/services serves the service.yaml of the processes folder (the repository's two services) and refuses
/// to start the server when one is broken, with its position.</summary>
public sealed class ServiceApiTests
{
    private static string RepoProcesses()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "processes");
    }

    private static string CopyOfRepoProcesses()
    {
        var target = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        foreach (var file in Directory.EnumerateFiles(RepoProcesses(), "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(RepoProcesses(), file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    [Fact]
    public async Task Services_ListsBothServices_WithReifegradAndVersion()
    {
        await using var s = await TestServer.StartAsync(RepoProcesses());
        var page = await s.GetJsonAsync("api/services");
        page["total"]!.GetValue<long>().ShouldBe(Directory.GetFiles(RepoProcesses(), "service.yaml", SearchOption.AllDirectories).Length); // every service folder
        var items = page["items"]!.AsArray();
        var parken = items.Single(i => i!["key"]!.GetValue<string>() == "99108001000000")!;
        parken["state"]!.GetValue<string>().ShouldBe("digital");
        parken["reifegrad"]!.GetValue<int>().ShouldBe(3);
        parken["processId"]!.GetValue<string>().ShouldBe("Process_Anwohnerparkausweis");
        parken["version"]!.GetValue<int>().ShouldBe(1);
        parken["themenfeld"]!.GetValue<string>().ShouldBe("Mobilität & Reisen");
        items.ShouldContain(i => i!["key"]!.GetValue<string>() == "urlaubsantrag" && i["leika"] == null);
    }

    [Fact]
    public async Task Service_ByLeikaKey_ServesItsServiceYaml()
    {
        await using var s = await TestServer.StartAsync(RepoProcesses());
        var parken = await s.GetJsonAsync("api/services/99108001000000");
        parken["name"]!["de"]!.GetValue<string>().ShouldBe("Bewohnerparkausweis beantragen");
        parken["trustLevel"]!.GetValue<string>().ShouldBe("substanziell");
        parken["fees"]!["decision"]!.GetValue<string>().ShouldBe("Gebuehr_Anwohnerparkausweis");
        parken["legalBases"]!.AsArray()[0]!["law"]!.GetValue<string>().ShouldContain("StVO");
        parken["responsible"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()).ShouldContain("sachbearbeitung-parken");
        parken["validFrom"]!.GetValue<string>().ShouldBe("2026-01-01");
        var urlaub = await s.GetJsonAsync("api/services/urlaubsantrag");
        urlaub["internal"]!.GetValue<bool>().ShouldBeTrue();
        urlaub["fees"]!["amount"]!.GetValue<decimal>().ShouldBe(0m);
    }

    [Fact]
    public async Task Service_Unknown_Is404_AndAnUnknownState_Is400()
    {
        await using var s = await TestServer.StartAsync(RepoProcesses());
        await TestServer.ShouldBeProblemAsync(await s.Http.GetAsync(new Uri("api/services/99000000000000", UriKind.Relative)), 404);
        await TestServer.ShouldBeProblemAsync(await s.Http.GetAsync(new Uri("api/services?state=halb", UriKind.Relative)), 400);
        (await s.GetJsonAsync("api/services?state=nicht-digital"))["total"]!.GetValue<long>().ShouldBe(0);
        (await s.GetJsonAsync("api/services?state=digital&limit=1"))["items"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Services_NeedServiceRead_AWorkerIsRefused()
    {
        await using var s = await TestServer.StartAsync(RepoProcesses());
        (await s.Anonymous.GetAsync(new Uri("api/services", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var clerk = await s.PersonAsync("erika", roles: ["clerk"]);
        (await clerk.GetAsync(new Uri("api/services", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_TakesTheVersionValidOnTheApplicationDate_AndTheCaseShowsItsLegalBasis()
    {
        await using var s = await TestServer.StartAsync(RepoProcesses());
        var definitions = await s.GetJsonAsync("api/process-definitions");
        var parken = definitions.AsArray().Single(d => d!["processId"]!.GetValue<string>() == "Process_Anwohnerparkausweis")!;
        parken["validFrom"]!.GetValue<string>().ShouldBe("2026-01-01");
        var id = await s.StartProcessAsync("Process_Urlaubsantrag", new { variables = new { mitarbeiter = "erika", vorgesetzter = "max", vertretung = "jan",
            antrag = new { von = "2026-12-01", bis = "2026-12-05", tage = 5 } }, applicationDate = "2026-11-30" });
        (await s.InstanceAsync(id))["legalBasis"]!.GetValue<string>().ShouldBe("§§ 3, 7 BUrlG; § 26 TVöD");
        var before = await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Post, "api/process-definitions/Process_Urlaubsantrag/start", new { applicationDate = "2025-12-31" }), 400);
        before["detail"]!.GetValue<string>().ShouldContain("has no version valid on 2025-12-31");
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Post, "api/process-definitions/Process_Urlaubsantrag/start", new { applicationDate = "31.12.2026" }), 400);
    }

    [Fact]
    public async Task BrokenServiceYaml_RefusesToStart_WithItsPosition()
    {
        var dir = CopyOfRepoProcesses();
        var yaml = Path.Combine(dir, "anwohnerparkausweis", "service.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("leika: \"99108001000000\"", "leika: \"9910800100000X\"", StringComparison.Ordinal));
        var err = new StringWriter();
        var code = await EGovServer.RunAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = dir, Error = err });
        code.ShouldBe(1);
        err.ToString().ShouldMatch(@"service\.yaml:3:8: error: leika: '9910800100000X' is not a LeiKa key");
    }
}

/// <summary>The catalogue overview on a durable store: an imported list of Leistungen, those without a process "nicht digital".</summary>
public sealed class CatalogueOverviewApiTests
{
    [Fact]
    public async Task ImportedLeistungen_AreListed_NichtDigital_UnlessAServiceDescribesThem()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"));
        var store = $"sqlite:{dir}/egov.db";
        var options = Persistence.DurableStoreOptions.Parse(store);
        using (var created = new Persistence.EfRuntimeStore(options))
            new Persistence.Catalogue.SqlLeistungenStore(options).Replace("default", [
                new("99108001000000", "Bewohnerparkausweis", "2/3", "10173", "Parkausweise und Zufahrtsberechtigungen", "Kfz-Besitz", "Mobilität & Reisen", "§ 45 StVO"),
                new("99108001020000", "Bewohnerparkausweis Verlängerung", "2/3", "10173", "Parkausweise und Zufahrtsberechtigungen", "Kfz-Besitz", "Mobilität & Reisen", null),
                new("99001001000000", "Abfallgebühr", "5", "10110", "Abfallentsorgung", "Wohnen & Umzug", "Bauen & Wohnen", null),
            ], NodaTime.SystemClock.Instance.GetCurrentInstant());
        var processes = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(processes.FullName, "EGov.Workflows.sln"))) processes = processes.Parent!;
        await using var s = await TestServer.StartAsync(Path.Combine(processes.FullName, "processes"), store: store);
        // The internal services (no LeiKa key: Urlaubsantrag, eRechnung, …) are listed by their folder name.
        var services = Directory.GetDirectories(Path.Combine(processes.FullName, "processes"))
            .Where(d => File.Exists(Path.Combine(d, "service.yaml"))).Select(d => Path.GetFileName(d)!).ToList();
        bool Internal(string n) => File.ReadAllLines(Path.Combine(processes.FullName, "processes", n, "service.yaml")).Any(l => l.Trim() == "internal: true");
        var internalServices = services.Where(Internal).Order(StringComparer.Ordinal).ToList();
        // The other citizen services (the life chain, …) carry LeiKa keys the three imported Leistungen do not have: listed by their key.
        var otherCitizenServices = services.Where(n => n != "anwohnerparkausweis" && !Internal(n))
            .Select(n => File.ReadAllLines(Path.Combine(processes.FullName, "processes", n, "service.yaml")).First(l => l.StartsWith("leika:", StringComparison.Ordinal)).Split('"')[1])
            .ToList();

        var all = await s.GetJsonAsync("api/services");
        all["total"]!.GetValue<long>().ShouldBe(3 + internalServices.Count + otherCitizenServices.Count); // three imported + the internal services + the other described ones
        var nichtDigital = (await s.GetJsonAsync("api/services?state=nicht-digital"))["items"]!.AsArray();
        nichtDigital.Select(i => i!["key"]!.GetValue<string>()).Order().ShouldBe(["99001001000000", "99108001020000"]);
        nichtDigital.ShouldAllBe(i => i!["reifegrad"] == null && i["version"] == null);
        var digital = (await s.GetJsonAsync("api/services?state=digital"))["items"]!.AsArray();
        digital.Select(i => i!["key"]!.GetValue<string>()).Order(StringComparer.Ordinal).ShouldBe(new[] { "99108001000000" }.Concat(otherCitizenServices).Concat(internalServices).Order(StringComparer.Ordinal));
        internalServices.ShouldContain("urlaubsantrag");
        (await s.GetJsonAsync("api/services?themenfeld=Bauen%20%26%20Wohnen"))["total"]!.GetValue<long>().ShouldBe(1);
        var abfall = await s.GetJsonAsync("api/services/99001001000000");
        abfall["state"]!.GetValue<string>().ShouldBe("nicht digital");
        abfall["ozg"]!["leistung"]!.GetValue<string>().ShouldBe("Abfallentsorgung");
    }
}
