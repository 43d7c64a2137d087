using System.Text.Json.Nodes;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Host.Kita;
using EGov.Workflows.Host.Mobilfunk;
using EGov.Workflows.Host.Stadtplanung;
using EGov.Workflows.Host.Termine;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The stored Camunda element templates of the host's own activities (<c>src/Engine/Host/*/element-templates</c>, for the
/// Camunda Modeler; checked against the schema by ElementTemplateSchemaTests) say what the activity declares: its name in
/// <c>egov:activity</c>, an input parameter for exactly each declared input, an output for exactly each declared output,
/// and the required inputs as required fields.
/// </summary>
public sealed class ElementTemplateFilesTests
{
    public static TheoryData<string, string> Templates() => new()
    {
        { "Termine/element-templates/termin-buchung.json", TerminActivity.Name },
        { "Mobilfunk/element-templates/mobilfunk-vertrag.json", VertragActivity.Name },
        { "Stadtplanung/element-templates/bauleitplan-akte.json", BauleitplanAkteActivity.Name },
        { "Kita/element-templates/kita-platz.json", PlatzActivity.Name },
        { "Citizens/element-templates/buerger-konto.json", BuergerKontoActivity.Name },
        { "Citizens/element-templates/einwilligung-eltern.json", EGov.Workflows.Host.Citizens.Consent.EinwilligungElternActivity.Name },
    };

    private static WorkflowActivity Activity(string name) => name switch
    {
        TerminActivity.Name => new TerminActivity(new TerminRegister()),
        VertragActivity.Name => new VertragActivity(new MobilfunkRegister()),
        BauleitplanAkteActivity.Name => new BauleitplanAkteActivity(new StadtplanungRegister()),
        PlatzActivity.Name => new PlatzActivity(new KitaRegister()),
        BuergerKontoActivity.Name => new BuergerKontoActivity(new CitizenAccountRegister()),
        EGov.Workflows.Host.Citizens.Consent.EinwilligungElternActivity.Name => new EGov.Workflows.Host.Citizens.Consent.EinwilligungElternActivity(new CitizenAccountRegister(),
            new EGov.Workflows.Host.Citizens.Consent.ConsentMail(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), new EGov.Workflows.Activities.Notifications.MailKitTransport())),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public void StoredTemplate_BindsExactlyTheDeclaredInputsAndOutputs(string file, string activityName)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Root(), "src", "Engine", "Host", file)))!;
        var properties = json["properties"]!.AsArray().Select(p => p!).ToList();
        static string? Binding(JsonNode p, string type, string key) =>
            p["binding"]!["type"]!.GetValue<string>() == type ? p["binding"]![key]!.GetValue<string>() : null;

        properties.Where(p => Binding(p, "property", "name") == "egov:activity").Select(p => p["value"]!.GetValue<string>()).ShouldBe([activityName]);
        var activity = Activity(activityName);
        properties.Select(p => Binding(p, "camunda:inputParameter", "name")).OfType<string>().Order(StringComparer.Ordinal)
            .ShouldBe(activity.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal));
        properties.Select(p => Binding(p, "camunda:outputParameter", "source")).OfType<string>().Order(StringComparer.Ordinal)
            .ShouldBe(activity.Outputs.Select(o => "${" + o.Name + "}").Order(StringComparer.Ordinal));
        foreach (var required in activity.Inputs.Where(i => i.Required))
            properties.Single(p => Binding(p, "camunda:inputParameter", "name") == required.Name)["constraints"]?["notEmpty"]?.GetValue<bool>().ShouldBe(true, required.Name);
        json["id"]!.GetValue<string>().ShouldBe($"de.egov-workflows.{activityName}");
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}
