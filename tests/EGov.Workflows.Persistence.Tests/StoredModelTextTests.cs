using System.Text;
using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// A version's model is stored as the text it was deployed from (UTF-8), not written again: the same model, the same
/// content hash, the deployer's own formatting and comments. A file whose text cannot be stored as it is gets the writer's.
/// </summary>
public sealed class StoredModelTextTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    /// <summary>Antrag as someone formatted it: a comment, tabs, attributes on their own lines.</summary>
    private static readonly string Formatted = Models.Antrag().Replace("<process id=\"Antrag\"", "<!-- vom Fachbereich gepflegt -->\n\t<process\n\t\tid=\"Antrag\"", StringComparison.Ordinal);

    [Theory, MemberData(nameof(Providers))]
    public void ADeployedText_IsStoredAsItWasDeployed_WithTheModelsHash_AndRunsAfterARestart(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);

        deployments.Deploy(engine, [("antrag.bpmn", Models.Read(Formatted))], sourceTexts: new Dictionary<string, string> { ["antrag.bpmn"] = Formatted })
            .ShouldHaveSingleItem().Version.ShouldBe(1);

        deployments.ModelText("default", "Antrag", 1).ShouldBe(Formatted);
        // The hash is the model's, not the text's: the same model written by the writer keeps version 1.
        deployments.Deploy(engine, "antrag.bpmn", Models.Read(Bpmn.Writing.BpmnWriter.WriteString(Models.Read(Formatted)))).ShouldHaveSingleItem().Version.ShouldBe(1);
        var restarted = Models.Engine(db.OpenStore(), Models.Clock());
        new DurableDeployments(db.OpenStore()).Restore(restarted).ShouldBe(1);
        var id = restarted.StartProcess("Antrag");
        restarted.OpenUserTasks(id).ShouldHaveSingleItem().Name.ShouldBe("Pruefen");
    }

    [Theory, MemberData(nameof(Providers))]
    public void WithoutItsText_AVersionIsStoredAsTheWriterWritesIt(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var deployments = new DurableDeployments(store);

        deployments.Deploy(Models.Engine(store, Models.Clock()), "antrag.bpmn", Models.Read(Formatted));

        var stored = deployments.ModelText("default", "Antrag", 1);
        stored.ShouldNotBeNull().ShouldNotContain("vom Fachbereich gepflegt -->\n\t<process\n");
        stored.ShouldBe(Bpmn.Writing.BpmnWriter.WriteString(Models.Read(Formatted)));
    }

    /// <summary>A folder of many models is built on every core; what one refuses is said as one after the other would, and nothing is stored.</summary>
    [Theory, MemberData(nameof(Providers))]
    public void ManyModels_OneRefusedByTheEngine_TheDeployNamesIt_AndStoresNothing(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var files = Enumerable.Range(1, 12).Select(i => ($"p{i:00}.bpmn", Models.Read(Models.Bescheid().Replace("id=\"Bescheid\"",
            i == 7 ? $"id=\"P{i:00}\" xmlns:egov=\"{Model.Namespaces.Egov.NamespaceName}\" egov:validFrom=\"2027-02-01\" egov:validTo=\"2027-01-01\"" : $"id=\"P{i:00}\"",
            StringComparison.Ordinal)))).ToList();

        var refused = Should.Throw<DeploymentException>(() => new DurableDeployments(store).Deploy(engine, files));

        refused.Messages.ShouldHaveSingleItem().ShouldContain("p07.bpmn");
        refused.Messages.Single().ShouldContain("egov:validTo 2027-01-01 is before egov:validFrom 2027-02-01");
        new DurableDeployments(store).List("default").ShouldBeEmpty();
        engine.Deployed().ShouldBeEmpty();
    }

    [Fact]
    public void TheTextKept_IsUtf8WhoseDeclarationSaysSo()
    {
        var xml = Models.Antrag();
        ModelSourceText.Of(Encoding.UTF8.GetBytes(xml)).ShouldBe(xml);
        ModelSourceText.Of([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(xml)]).ShouldBe(xml); // the byte order mark is not text
        ModelSourceText.Of(Encoding.UTF8.GetBytes(xml.Replace("encoding=\"UTF-8\"", "encoding='utf-8'", StringComparison.Ordinal))).ShouldNotBeNull();
        ModelSourceText.Of(Encoding.UTF8.GetBytes("<definitions/>")).ShouldBe("<definitions/>"); // no declaration: UTF-8

        // Another encoding: the stored string's declaration would not say what it is; the writer's text is stored then.
        ModelSourceText.Of(Encoding.Latin1.GetBytes(xml.Replace("UTF-8", "ISO-8859-1", StringComparison.Ordinal).Replace("Pruefen", "Prüfen", StringComparison.Ordinal))).ShouldBeNull();
        ModelSourceText.Of(Encoding.UTF8.GetBytes(xml.Replace("UTF-8", "windows-1252", StringComparison.Ordinal))).ShouldBeNull();
        ModelSourceText.Of(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(xml)).ToArray()).ShouldBeNull();
        ModelSourceText.Of(Encoding.BigEndianUnicode.GetBytes("<definitions/>")).ShouldBeNull();
        ModelSourceText.Of([.. Encoding.UTF8.GetBytes("<definitions name=\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"/>")]).ShouldBeNull(); // not UTF-8
    }
}
