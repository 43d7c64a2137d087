namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The Postkorb list (GET /api/tasks) refuses in German what a clerk's page or bookmark may send wrong: a view, sort or order that does
/// not exist (naming the ones that do), paging out of range, a number that is none — status 400 with a German title and detail.
/// </summary>
public sealed class PostkorbListProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage";

    [Fact]
    public async Task UnknownViewsSortsAndOrders_AndBadPaging_AreRefusedInGerman()
    {
        await using var s = await TestServer.StartAsync();
        var erika = await s.PersonAsync();
        var problem = await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?view=meine"), 400, Ungueltig,
            "Die Ansicht „meine“ gibt es im Postkorb nicht (view)", "mine, offered, group, overdue, followup, team");
        problem["expected"]!.GetValue<string>().ShouldBe("mine | offered | group | overdue | followup | team");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?view=1"), 400, Ungueltig, "Die Ansicht „1“");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?sort=frist"), 400, Ungueltig, "Die Sortierung „frist“", "due, priority");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?order=ab"), 400, Ungueltig, "Die Reihenfolge „ab“", "asc", "desc");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?limit=501"), 400, Ungueltig, "limit 501");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?offset=x"), 400, Ungueltig, "„x“ ist für „offset“ nicht lesbar", "ganze Zahl");
        (await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?view=Group&sort=priority&order=DESC")).EnsureSuccessStatusCode();
    }
}
