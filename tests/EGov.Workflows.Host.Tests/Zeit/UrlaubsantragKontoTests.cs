using System.Text.Json.Nodes;
using EGov.Workflows.Host.Zeit;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Zeit;

/// <summary>
/// The Urlaubsantrag worked in the Postkorb against the real leave account (activity <c>urlaubskonto</c>, table
/// <c>zeit_urlaubskonto</c>): the remaining leave is read from the account, the approved days are booked, a cancellation before
/// the leave gives them back; a request that no longer fits goes to the Personalstelle instead of overdrawing the account.
/// </summary>
public sealed class UrlaubsantragKontoTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static string Processes()
    {
        var target = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        var source = Path.Combine(Root(), "processes", "urlaubsantrag");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains("scenarios", StringComparison.Ordinal)))
        {
            var to = Path.Combine(target, "urlaubsantrag", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static async Task<string> OneTask(HttpClient who, string view = "mine")
    {
        var page = await TestServer.GetJsonAsAsync(who, $"api/tasks?view={view}");
        var items = page["items"]!.AsArray();
        items.Count.ShouldBe(1, page.ToJsonString());
        return items[0]!["id"]!.GetValue<string>();
    }

    private static async Task Complete(HttpClient who, string taskId, object variables)
    {
        using var response = await TestServer.SendAsAsync(who, HttpMethod.Post, $"api/tasks/{taskId}/complete", new { variables });
        ((int)response.StatusCode).ShouldBeOneOf([200, 204], await response.Content.ReadAsStringAsync());
    }

    private static async Task<decimal> Rest(TestServer s, int jahr) =>
        (await s.GetJsonAsync($"api/zeit/urlaubskonten/erika/{jahr.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))["rest"]!.GetValue<decimal>();

    [Fact]
    public async Task ApprovedLeave_IsBookedOnTheAccount_AndACancellationGivesTheDaysBack()
    {
        await using var s = await TestServer.StartAsync(Processes());
        var jahr = DateTime.UtcNow.Year + 1;
        var von = $"{jahr}-08-03";
        (await s.SendAsync(HttpMethod.Put, $"api/zeit/urlaubskonten/erika/{jahr}", new { anspruch = 30, uebertrag = 2 })).EnsureSuccessStatusCode();
        var vertretung = await s.PersonAsync("k.klein", ["sachbearbeitung"], ["clerk"]);
        var chefin = await s.PersonAsync("s.schmidt", ["amtsleitung"], ["teamlead"]);

        await s.StartProcessAsync("Process_Urlaubsantrag", new
        {
            businessKey = "UA-KONTO-1",
            variables = new { antrag = new { von, bis = $"{jahr}-08-14", tage = 10 }, mitarbeiter = "erika", vorgesetzter = "s.schmidt", vertretung = "k.klein" },
        });
        var genehmigung = await OneTask(chefin);
        (await TestServer.GetJsonAsAsync(chefin, $"api/tasks/{genehmigung}/form"))["data"]!["resturlaub"]!.GetValue<decimal>().ShouldBe(32m);
        await Complete(vertretung, await OneTask(vertretung), new { vertretungBestaetigt = true });
        await Complete(chefin, genehmigung, new { genehmigt = true });
        (await Rest(s, jahr)).ShouldBe(22m);
        var buchungen = await s.GetJsonAsync($"api/zeit/urlaubskonten/erika/{jahr}/buchungen");
        buchungen["items"]![0]!["id"]!.GetValue<string>().ShouldBe("UA-KONTO-1");
        buchungen["items"]![0]!["status"]!.GetValue<string>().ShouldBe("gebucht");

        (await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "Urlaubsantrag_storniert", correlationKey = "UA-KONTO-1" })).EnsureSuccessStatusCode();
        (await Rest(s, jahr)).ShouldBe(32m);
        (await s.GetJsonAsync($"api/zeit/urlaubskonten/erika/{jahr}/buchungen"))["items"]![0]!["status"]!.GetValue<string>().ShouldBe("storniert");
    }

    [Fact]
    public async Task LeaveThatNoLongerFits_GoesToThePersonalstelle_AndTheAccountIsNotOverdrawn()
    {
        await using var s = await TestServer.StartAsync(Processes());
        var jahr = DateTime.UtcNow.Year + 1;
        (await s.SendAsync(HttpMethod.Put, $"api/zeit/urlaubskonten/erika/{jahr}", new { anspruch = 12 })).EnsureSuccessStatusCode();
        var vertretung = await s.PersonAsync("k.klein", ["sachbearbeitung"], ["clerk"]);
        var chefin = await s.PersonAsync("s.schmidt", ["amtsleitung"], ["teamlead"]);
        var personal = await s.PersonAsync("p.personal", ["personalstelle"], ["personalstelle"]);
        foreach (var (key, tag) in new[] { ("UA-KONTO-A", 3), ("UA-KONTO-B", 17) })
            await s.StartProcessAsync("Process_Urlaubsantrag", new
            {
                businessKey = key,
                variables = new { antrag = new { von = $"{jahr}-08-{tag:00}", bis = $"{jahr}-08-{tag + 7:00}", tage = 8 }, mitarbeiter = "erika", vorgesetzter = "s.schmidt", vertretung = "k.klein" },
            });
        // Both fit when asked (12 days left), so both are approved — the second booking finds only 4 days left.
        foreach (var _ in new[] { 1, 2 })
        {
            var tasks = (await TestServer.GetJsonAsAsync(vertretung, "api/tasks?view=mine"))["items"]!.AsArray();
            await Complete(vertretung, tasks[0]!["id"]!.GetValue<string>(), new { vertretungBestaetigt = true });
        }
        foreach (var _ in new[] { 1, 2 })
        {
            var tasks = (await TestServer.GetJsonAsAsync(chefin, "api/tasks?view=mine"))["items"]!.AsArray();
            await Complete(chefin, tasks[0]!["id"]!.GetValue<string>(), new { genehmigt = true });
        }
        (await Rest(s, jahr)).ShouldBe(4m);
        var klaeren = await OneTask(personal, "group");
        await Complete(personal, klaeren, new { erneutBuchen = false, klaerungsvermerk = "Kein Übertrag möglich." });
        (await Rest(s, jahr)).ShouldBe(4m);
        var store = s.Server.App.Services.GetRequiredService<ZeitRegister>().Store;
        store.ListUrlaubsbuchungen(s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant, "erika", jahr, 0, 10).Total.ShouldBe(1);
    }
}
