using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Persistence.Designer;
using EGov.Workflows.Persistence.Schema;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The scenarios deployed with a version from the designer are written in the same transaction as the version (issue 11):
/// both are stored, or — when the database refuses the scenarios — neither, and the engine forgets the version again, so
/// no case starts on a version that was never stored.
/// </summary>
public sealed class DeploymentScenariosTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static IReadOnlyList<StoredScenario> ScenarioOf(IReadOnlyList<VersionOfFile> versions) =>
        versions.Select(v => new StoredScenario(v.ProcessId, v.Version, "genehmigt.scenario.yaml", "name: genehmigt\n")).ToList();

    [Theory, MemberData(nameof(Providers))]
    public void ScenariosAreStoredWithTheNewVersion_NotWithAnUnchangedOne(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var deployments = new DurableDeployments(store);
        var engine = Models.Engine(store, Models.Clock());

        deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Models.Antrag()))], scenarios: ScenarioOf).ShouldHaveSingleItem().Version.ShouldBe(1);

        var scenarios = new SqlDeployedScenarioStore(db.Options);
        scenarios.Find("default", "Antrag", 1).ShouldBe(new Dictionary<string, string> { ["genehmigt.scenario.yaml"] = "name: genehmigt\n" });
        // Deployed again unchanged: the version is kept, and nothing is written for it (no duplicate row either).
        deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Models.Antrag()))], scenarios: ScenarioOf).ShouldHaveSingleItem().Version.ShouldBe(1);
        scenarios.Files("default").ShouldHaveSingleItem();
    }

    [Theory, MemberData(nameof(Providers))]
    public void WhenTheScenariosCannotBeWritten_TheNewVersionIsNotStored_AndTheEngineForgetsIt(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        RefuseScenarioRows(db.Options);
        var deployments = new DurableDeployments(store);
        var engine = Models.Engine(store, Models.Clock());

        Should.Throw<Exception>(() => deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Models.Antrag()))], scenarios: ScenarioOf));

        deployments.List("default").ShouldBeEmpty();
        new SqlDeployedScenarioStore(db.Options).Files("default").ShouldBeEmpty();
        engine.HasVersion("Antrag", 1).ShouldBeFalse();
    }

    /// <summary>A trigger makes the database refuse every scenario row (a real failure inside the deployment's transaction).</summary>
    private static void RefuseScenarioRows(DurableStoreOptions options)
    {
        using var conn = SchemaMigrator.Open(options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = options.Provider == StoreProvider.Sqlite
            ? "CREATE TRIGGER refuse_scenarios BEFORE INSERT ON deployment_scenarios BEGIN SELECT RAISE(ABORT, 'scenarios refused'); END;"
            : """
              CREATE FUNCTION refuse_scenarios() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'scenarios refused'; END $$;
              CREATE TRIGGER refuse_scenarios BEFORE INSERT ON deployment_scenarios FOR EACH ROW EXECUTE FUNCTION refuse_scenarios();
              """;
        cmd.ExecuteNonQuery();
    }
}
