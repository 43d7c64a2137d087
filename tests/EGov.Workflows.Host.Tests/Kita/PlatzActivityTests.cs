using System.Text.Json.Nodes;
using EGov.Workflows.Host.Kita;
using EGov.Workflows.Persistence.Kita;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Tests.Kita;

/// <summary>
/// <c>kita-platz</c> (issue 17 item 9) on the Kita tables in memory: the steps of a registration through the activity as a
/// case runs them, the rank that never lets a lower one overtake, and the refusals — an unknown Kita is the BPMN error
/// KITA_UNBEKANNT (the model catches it), a step the registration's state does not allow and bad input are technical failures.
/// </summary>
public sealed class PlatzActivityTests
{
    private const string Tenant = "t1";
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(1));

    private static (PlatzActivity Activity, IKitaStore Store) Create(int plaetzeU3 = 1)
    {
        var register = new KitaRegister();
        register.Store.PutEinrichtung(Tenant, new Einrichtung("sonnenschein", "Kita Sonnenschein", "Lindenweg 3", plaetzeU3, 2, true, Instant.FromDateTimeOffset(Now)));
        return (new PlatzActivity(register), register.Store);
    }

    private static Task<ActivityResult> Run(PlatzActivity activity, string businessKey, JsonObject inputs, DateTimeOffset? at = null) =>
        activity.ExecuteAsync(new ActivityContext(Tenant, "inst-" + businessKey, businessKey, "Task_X", PlatzActivity.Name, at ?? Now,
            inputs.ToDictionary(p => p.Key, p => p.Value?.DeepClone()), _ => null));

    private static JsonObject Anmelden(string kind, int punkte, params string[] wuensche) => new()
    {
        ["aktion"] = "anmelden", ["kind"] = kind, ["geburtsdatum"] = "2026-03-01", ["beginn"] = "2027-03-01",
        ["wuensche"] = new JsonArray(wuensche.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()), ["punkte"] = punkte,
    };

    private static JsonObject Outputs(ActivityResult r) => r.ShouldBeOfType<ActivityResult.Completed>().Outputs;

    [Fact]
    public async Task ARegistration_GoesOnTheList_IsOfferedThePlace_AndAcceptsIt()
    {
        var (activity, store) = Create();
        var angemeldet = Outputs(await Run(activity, "K-1", Anmelden("Mia Muster", 41, "sonnenschein")));
        (angemeldet["anmeldungStatus"]!.GetValue<string>(), angemeldet["rang"]!.GetValue<int>()).ShouldBe(("wartend", 1));
        store.GetAnmeldung(Tenant, "K-1")!.InstanceId.ShouldBe("inst-K-1");

        var angeboten = Outputs(await Run(activity, "K-1", new JsonObject { ["aktion"] = "zuteilen", ["fristTage"] = 14 }));
        angeboten["platzAngeboten"]!.GetValue<bool>().ShouldBeTrue();
        angeboten["einrichtung"]!.GetValue<string>().ShouldBe("sonnenschein");
        angeboten["einrichtungName"]!.GetValue<string>().ShouldBe("Kita Sonnenschein");
        angeboten["angebotFrist"]!.GetValue<string>().ShouldBe("2026-03-24");

        Outputs(await Run(activity, "K-1", new JsonObject { ["aktion"] = "annehmen" }))["anmeldungStatus"]!.GetValue<string>().ShouldBe("angenommen");
        store.GetEinrichtung(Tenant, "sonnenschein")!.FreiU3.ShouldBe(0);
    }

    [Fact]
    public async Task AHigherRankWaiting_GetsThePlaceFirst_AndAnOfferLeftToLapse_GoesToTheNext()
    {
        var (activity, _) = Create(plaetzeU3: 1);
        await Run(activity, "K-HOCH", Anmelden("Hoch", 60, "sonnenschein"));
        await Run(activity, "K-NIEDRIG", Anmelden("Niedrig", 20, "sonnenschein"));

        var niedrig = Outputs(await Run(activity, "K-NIEDRIG", new JsonObject { ["aktion"] = "zuteilen" }));
        niedrig["platzAngeboten"]!.GetValue<bool>().ShouldBeFalse("a lower rank never overtakes a higher one waiting for the same place");
        niedrig["rang"]!.GetValue<int>().ShouldBe(2);

        Outputs(await Run(activity, "K-HOCH", new JsonObject { ["aktion"] = "zuteilen" }))["platzAngeboten"]!.GetValue<bool>().ShouldBeTrue();
        Outputs(await Run(activity, "K-HOCH", new JsonObject { ["aktion"] = "verfallen" }))["anmeldungStatus"]!.GetValue<string>().ShouldBe("verfallen");
        Outputs(await Run(activity, "K-NIEDRIG", new JsonObject { ["aktion"] = "zuteilen" }))["platzAngeboten"]!.GetValue<bool>().ShouldBeTrue("the lapsed place goes to the next");
    }

    [Fact]
    public async Task DecliningToWaitOn_KeepsTheChildOnTheList_DecliningForGood_EndsIt_AndAWithdrawalBeforeTheWishes_IsNoFailure()
    {
        var (activity, store) = Create();
        await Run(activity, "K-1", Anmelden("Mia", 41, "sonnenschein"));
        await Run(activity, "K-1", new JsonObject { ["aktion"] = "zuteilen" });
        Outputs(await Run(activity, "K-1", new JsonObject { ["aktion"] = "ablehnen", ["weiterWarten"] = true }))["anmeldungStatus"]!.GetValue<string>().ShouldBe("wartend");
        store.GetEinrichtung(Tenant, "sonnenschein")!.FreiU3.ShouldBe(1, "the declined place is free again");
        await Run(activity, "K-1", new JsonObject { ["aktion"] = "zuteilen" });
        Outputs(await Run(activity, "K-1", new JsonObject { ["aktion"] = "ablehnen" }))["anmeldungStatus"]!.GetValue<string>().ShouldBe("abgelehnt");

        Outputs(await Run(activity, "K-NIE", new JsonObject { ["aktion"] = "zurueckziehen" }))["anmeldungStatus"]!.GetValue<string>().ShouldBe("zurueckgezogen");
        store.GetAnmeldung(Tenant, "K-NIE").ShouldBeNull("nothing was on the list, nothing is written");
    }

    [Fact]
    public async Task AnUnknownKita_IsTheBpmnError_KitaUnbekannt_AndNothingIsOnTheList()
    {
        var (activity, store) = Create();
        var result = await Run(activity, "K-1", Anmelden("Mia", 41, "gibt-es-nicht"));
        var error = result.ShouldBeOfType<ActivityResult.BusinessError>();
        error.ErrorCode.ShouldBe(KitaFehler.EinrichtungUnbekannt);
        error.Variables!["kitaHinweis"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        store.GetAnmeldung(Tenant, "K-1").ShouldBeNull();
    }

    [Fact]
    public async Task AStepTheStateDoesNotAllow_AnUnknownAction_AndMissingData_AreTechnicalFailures()
    {
        var (activity, store) = Create();
        (await Run(activity, "K-1", new JsonObject { ["aktion"] = "annehmen" })).ShouldBeOfType<ActivityResult.Failed>().Message.ShouldContain("K-1");
        await Run(activity, "K-2", Anmelden("Ben", 10, "sonnenschein"));
        (await Run(activity, "K-2", new JsonObject { ["aktion"] = "annehmen" })).ShouldBeOfType<ActivityResult.Failed>("nothing was offered to accept");
        store.GetAnmeldung(Tenant, "K-2")!.Status.ShouldBe(AnmeldungStatus.Wartend);
        (await Run(activity, "K-3", new JsonObject { ["aktion"] = "vergeben" })).ShouldBeOfType<ActivityResult.Failed>().Message.ShouldContain("vergeben");
        (await Run(activity, "K-4", new JsonObject { ["aktion"] = "anmelden", ["kind"] = "Ohne Datum" })).ShouldBeOfType<ActivityResult.Failed>().Message.ShouldContain("geburtsdatum");
        store.GetAnmeldung(Tenant, "K-4").ShouldBeNull();
    }
}
