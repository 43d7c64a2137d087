using System.Text.Json.Nodes;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// <c>buerger-konto</c>: a case started by a message is linked to the account ids that came with the consent — one or both
/// parents, each once even when the step runs again —, nothing is linked without one, and an id in another form stops the
/// case (never a link to somebody by guess).
/// </summary>
public sealed class BuergerKontoActivityTests
{
    private const string Mutter = "buerger:AbCdEfGhIjKlMnOpQrStUvWxYz012345", Vater = "buerger:ZyXwVuTsRqPoNmLkJiHgFeDcBa543210";

    private static Task<ActivityResult> Run(BuergerKontoActivity activity, JsonNode? konto, string? prozess = "Process_KitaAnmeldung") =>
        activity.ExecuteAsync(new ActivityContext("t1", "inst-1", "G-2026-0042", "Task_Konto", BuergerKontoActivity.Name, DateTimeOffset.UtcNow,
            new Dictionary<string, JsonNode?> { ["konto"] = konto, ["prozess"] = prozess is null ? null : JsonValue.Create(prozess) }, _ => null));

    [Fact]
    public async Task TheAccountsOfTheConsent_AreLinkedOnce_AndWithoutAccount_NothingIs()
    {
        var links = new InMemoryCitizenCaseLinks();
        var activity = new BuergerKontoActivity(new CitizenAccountRegister { Links = links });
        var linked = (await Run(activity, new JsonArray(Mutter, Vater, Mutter))).ShouldBeOfType<ActivityResult.Completed>();
        linked.Outputs["kontoZugeordnet"]!.GetValue<bool>().ShouldBeTrue();
        await Run(activity, JsonValue.Create(Mutter)); // the step again (a retry): still one row per owner
        links.Rows.ShouldBe([("t1", Mutter, "inst-1"), ("t1", Vater, "inst-1")], ignoreOrder: true);

        var none = new InMemoryCitizenCaseLinks();
        var without = new BuergerKontoActivity(new CitizenAccountRegister { Links = none });
        (await Run(without, null)).ShouldBeOfType<ActivityResult.Completed>().Outputs["kontoZugeordnet"]!.GetValue<bool>().ShouldBeFalse();
        (await Run(without, JsonValue.Create("  "))).ShouldBeOfType<ActivityResult.Completed>().Outputs["kontoZugeordnet"]!.GetValue<bool>().ShouldBeFalse();
        none.Rows.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\"BUNDIDSIM-U01\"")]
    [InlineData("\"buerger:kurz\"")]
    [InlineData("\"anna.muster@example.org\"")]
    [InlineData("{\"id\":\"buerger:AbCdEfGhIjKlMnOpQrStUvWxYz012345\"}")]
    [InlineData("[\"buerger:AbCdEfGhIjKlMnOpQrStUvWxYz012345\", 42]")]
    public async Task AnythingButAccountIds_StopsTheCase_AndLinksNobody(string konto)
    {
        var links = new InMemoryCitizenCaseLinks();
        var result = await Run(new BuergerKontoActivity(new CitizenAccountRegister { Links = links }), JsonNode.Parse(konto));
        result.ShouldBeOfType<ActivityResult.Failed>().Message.ShouldStartWith("buerger-konto:");
        links.Rows.ShouldBeEmpty();
    }

    [Fact]
    public async Task WithoutTheProcessId_ItFails()
    {
        var result = await Run(new BuergerKontoActivity(new CitizenAccountRegister()), JsonValue.Create(Mutter), prozess: null);
        result.ShouldBeOfType<ActivityResult.Failed>().Message.ShouldContain("prozess");
    }
}
