using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Persistence.Schema;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The forms of a deployment are written in the same transaction as its new versions (issue 10): both are stored, or —
/// when the database refuses either — neither, so a node never finds a version without the forms its tasks name.
/// </summary>
public sealed class DeploymentFormsTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static IReadOnlyList<StoredForm> FormOf(IReadOnlyList<VersionOfFile> versions) =>
        versions.Select(v => new StoredForm(v.ProcessId, v.Version, "egov:forms/pruefung", "pruefung.form", """{ "components": [] }""")).ToList();

    [Theory, MemberData(nameof(Providers))]
    public void FormsAreStoredWithTheNewVersion_AndAgainForAnUnchangedOne(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var deployments = new DurableDeployments(store);
        var engine = Models.Engine(store, Models.Clock());

        deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Models.Antrag()))], forms: FormOf).ShouldHaveSingleItem().Version.ShouldBe(1);

        deployments.List("default").ShouldHaveSingleItem().Version.ShouldBe(1);
        var form = deployments.Forms("default").ShouldHaveSingleItem();
        (form.ProcessId, form.Version, form.FormKey).ShouldBe(("Antrag", 1, "egov:forms/pruefung"));
    }

    [Theory, MemberData(nameof(Providers))]
    public void WhenTheFormsCannotBeWritten_TheNewVersionIsNotStoredEither(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        RefuseFormRows(db.Options);
        var deployments = new DurableDeployments(store);
        var engine = Models.Engine(store, Models.Clock());

        Should.Throw<Exception>(() => deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Models.Antrag()))], forms: FormOf));

        deployments.List("default").ShouldBeEmpty();
        deployments.Forms("default").ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void AFormKeptAgainForTheSameVersionAndKey_ReplacesTheKeptOne_AndTheLastOfADeploymentWins(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var deployments = new DurableDeployments(store);
        var engine = Models.Engine(store, Models.Clock());
        IReadOnlyList<StoredForm> Twice(IReadOnlyList<VersionOfFile> versions) =>
        [
            .. versions.Select(v => new StoredForm(v.ProcessId, v.Version, "egov:forms/pruefung", "alt.form", """{ "components": [], "v": 1 }""")),
            .. versions.Select(v => new StoredForm(v.ProcessId, v.Version, "egov:forms/pruefung", "pruefung.form", """{ "components": [], "v": 2 }""")),
        ];

        deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Models.Antrag()))], forms: Twice);
        deployments.Forms("default").ShouldHaveSingleItem().File.ShouldBe("pruefung.form");

        deployments.SaveForms("default", [new StoredForm("Antrag", 1, "egov:forms/pruefung", "neu.form", """{ "components": [], "v": 3 }""")]);
        var kept = deployments.Forms("default").ShouldHaveSingleItem();
        (kept.File, kept.Json.Contains("\"v\": 3", StringComparison.Ordinal) || kept.Json.Contains("\"v\":3", StringComparison.Ordinal)).ShouldBe(("neu.form", true));
    }

    /// <summary>A trigger makes the database refuse every form row (a real failure inside the deployment's transaction).</summary>
    private static void RefuseFormRows(DurableStoreOptions options)
    {
        using var conn = SchemaMigrator.Open(options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = options.Provider == StoreProvider.Sqlite
            ? "CREATE TRIGGER refuse_forms BEFORE INSERT ON deployment_forms BEGIN SELECT RAISE(ABORT, 'forms refused'); END;"
            : """
              CREATE FUNCTION refuse_forms() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'forms refused'; END $$;
              CREATE TRIGGER refuse_forms BEFORE INSERT ON deployment_forms FOR EACH ROW EXECUTE FUNCTION refuse_forms();
              """;
        cmd.ExecuteNonQuery();
    }
}
