using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests.Zeit;

/// <summary>
/// The Fortbildungsantrag worked in the Postkorb against the real training budget (activity <c>fortbildungsbudget</c>, table
/// <c>zeit_fortbildungsbudget</c>): an approved request reserves its cost, a cancellation dissolves the reservation, and a request
/// the budget cannot carry ends without anybody deciding.
/// </summary>
public sealed class FortbildungBudgetTests
{
    private static string Processes()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        var source = Path.Combine(dir!.FullName, "processes", "fortbildung");
        var target = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains("scenarios", StringComparison.Ordinal)))
        {
            var to = Path.Combine(target, "fortbildung", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static object Antrag(int jahr, decimal kosten) => new
    {
        mitarbeiter = "erika", vorgesetzter = "s.schmidt", titel = "Verwaltungsrecht kompakt", anbieter = "Verwaltungsschule",
        beginn = $"{jahr}-05-04", ende = $"{jahr}-05-05", kosten, kostenstelle = "KST-10", dienstlichesInteresse = "OZG-Umsetzung",
    };

    private static async Task<decimal> Verfuegbar(TestServer s, int jahr) =>
        (await s.GetJsonAsync($"api/zeit/fortbildungsbudgets/KST-10/{jahr.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))["verfuegbar"]!.GetValue<decimal>();

    [Fact]
    public async Task ApprovedTraining_ReservesItsCost_ACancellationDissolvesIt_AndWhatTheBudgetCannotCarryEndsAtOnce()
    {
        await using var s = await TestServer.StartAsync(Processes());
        var jahr = DateTime.UtcNow.Year + 1;
        (await s.SendAsync(HttpMethod.Put, $"api/zeit/fortbildungsbudgets/KST-10/{jahr}", new { bezeichnung = "Hauptamt", budget = 1000 })).EnsureSuccessStatusCode();
        var chefin = await s.PersonAsync("s.schmidt", ["amtsleitung"], ["teamlead"]);

        await s.StartProcessAsync("Process_Fortbildung", new { businessKey = "FB-BUDGET-1", variables = Antrag(jahr, 450.50m) });
        var form = await TestServer.GetJsonAsAsync(chefin, "api/tasks?view=mine");
        var task = form["items"]!.AsArray().Single()!["id"]!.GetValue<string>();
        using (var done = await TestServer.SendAsAsync(chefin, HttpMethod.Post, $"api/tasks/{task}/complete", new { variables = new { genehmigt = true } }))
            ((int)done.StatusCode).ShouldBeOneOf([200, 204], await done.Content.ReadAsStringAsync());
        (await Verfuegbar(s, jahr)).ShouldBe(549.50m);
        var reservierungen = await s.GetJsonAsync($"api/zeit/fortbildungsbudgets/KST-10/{jahr}/reservierungen");
        reservierungen["items"]![0]!["id"]!.GetValue<string>().ShouldBe("FB-BUDGET-1");

        // 600 € do not fit into the 549,50 € left: the request goes straight to the notice (an external task for the mail
        // worker), the supervisor never sees it.
        var zuTeuer = await s.StartProcessAsync("Process_Fortbildung", new { businessKey = "FB-BUDGET-2", variables = Antrag(jahr, 600m) });
        var instance = await s.InstanceAsync(zuTeuer);
        instance["variables"]!["genehmigungsweg"]!.GetValue<string>().ShouldBe("budget-erschoepft");
        instance["variables"]!["budgetVerfuegbar"]!.GetValue<decimal>().ShouldBe(549.50m);
        instance["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Task_Budget_Fehlt_Mitteilen"]);
        (await TestServer.GetJsonAsAsync(chefin, "api/tasks?view=mine"))["items"]!.AsArray().Count.ShouldBe(0);

        (await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "Fortbildung_storniert", correlationKey = "FB-BUDGET-1" })).EnsureSuccessStatusCode();
        (await Verfuegbar(s, jahr)).ShouldBe(1000m);
        (await s.GetJsonAsync($"api/zeit/fortbildungsbudgets/KST-10/{jahr}/reservierungen"))["items"]![0]!["status"]!.GetValue<string>().ShouldBe("aufgeloest");
    }
}
