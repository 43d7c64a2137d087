using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Activities.Payment;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Activities.Tests;

/// <summary>
/// Every activity of a built-in pack has a Camunda element template in its pack's <c>element-templates/</c> that binds
/// it (<c>egov:activity</c>) and offers each required input; every template names an activity that exists.
/// </summary>
public sealed class ElementTemplateTests
{
    private static readonly string Root = RepositoryRoot();

    public static TheoryData<string, string> Packs() => new()
    {
        { "EGov.Workflows.Activities.Notifications", nameof(NotificationsServiceCollectionExtensions.AddEgovNotifications) },
        { "EGov.Workflows.Activities.Payment", nameof(PaymentServiceCollectionExtensions.AddEgovPayment) },
        { "EGov.Workflows.Activities.Xdomea", nameof(EGov.Workflows.Activities.Xdomea.XdomeaServiceCollectionExtensions.AddEgovXdomea) },
        { "EGov.Workflows.Activities.FitConnect", nameof(EGov.Workflows.Activities.FitConnect.FitConnectServiceCollectionExtensions.AddEgovFitConnect) },
        { "EGov.Workflows.Activities.Melderegister", nameof(EGov.Workflows.Activities.Melderegister.MelderegisterServiceCollectionExtensions.AddEgovMelderegister) },
        { "EGov.Workflows.Activities.Dokumente", nameof(EGov.Workflows.Activities.Dokumente.DokumenteServiceCollectionExtensions.AddEgovDokumente) },
    };

    private static ActivityRegistry Registry(string pack)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().Build();
        if (pack.EndsWith("Notifications", StringComparison.Ordinal)) services.AddEgovNotifications(configuration);
        if (pack.EndsWith("Payment", StringComparison.Ordinal)) services.AddEgovPayment(configuration);
        if (pack.EndsWith("Xdomea", StringComparison.Ordinal)) EGov.Workflows.Activities.Xdomea.XdomeaServiceCollectionExtensions.AddEgovXdomea(services, configuration);
        if (pack.EndsWith("FitConnect", StringComparison.Ordinal)) EGov.Workflows.Activities.FitConnect.FitConnectServiceCollectionExtensions.AddEgovFitConnect(services, configuration);
        if (pack.EndsWith("Melderegister", StringComparison.Ordinal)) EGov.Workflows.Activities.Melderegister.MelderegisterServiceCollectionExtensions.AddEgovMelderegister(services, configuration);
        if (pack.EndsWith("Dokumente", StringComparison.Ordinal)) EGov.Workflows.Activities.Dokumente.DokumenteServiceCollectionExtensions.AddEgovDokumente(services, configuration);
        return new ActivityRegistry().AddFrom(services.BuildServiceProvider());
    }

    [Theory]
    [MemberData(nameof(Packs))]
    public void Each_activity_has_a_template_that_binds_it_and_offers_its_required_inputs(string pack, string registration)
    {
        registration.ShouldNotBeNullOrEmpty();
        var dir = Path.Combine(Root, "src", "Activities", pack);
        File.Exists(Path.Combine(dir, "README.md")).ShouldBeTrue($"{pack} needs a README");
        var templates = Directory.GetFiles(Path.Combine(dir, "element-templates"), "*.json")
            .Select(f => (File: Path.GetFileName(f), Json: JsonNode.Parse(File.ReadAllText(f))!.AsObject())).ToList();
        var registry = Registry(pack);
        registry.All.ShouldNotBeEmpty();
        foreach (var activity in registry.All)
        {
            var template = templates.SingleOrDefault(t => Binding(t.Json, "property", "egov:activity")?["value"]?.GetValue<string>() == activity.Name);
            template.Json.ShouldNotBeNull($"{pack}: no element template binds egov:activity=\"{activity.Name}\"");
            template.Json["id"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
            template.Json["name"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
            template.Json["appliesTo"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldContain("bpmn:ServiceTask");
            var instance = activity.Create();
            foreach (var input in instance.Inputs.Where(i => i.Required))
                Binding(template.Json, "camunda:inputParameter", input.Name).ShouldNotBeNull($"{template.File}: required input '{input.Name}' is not offered");
            foreach (var p in template.Json["properties"]!.AsArray())
                if (p!["binding"]!["type"]!.GetValue<string>() == "camunda:inputParameter")
                    instance.Inputs.Select(i => i.Name).ShouldContain(p["binding"]!["name"]!.GetValue<string>(), $"{template.File} offers an input the activity does not read");
        }
        foreach (var t in templates)
            registry.FindByName(Binding(t.Json, "property", "egov:activity")?["value"]?.GetValue<string>()).ShouldNotBeNull($"{t.File} binds no activity of {pack}");
    }

    private static JsonNode? Binding(JsonObject template, string type, string name) =>
        template["properties"]!.AsArray().FirstOrDefault(p => p!["binding"]!["type"]!.GetValue<string>() == type && p["binding"]!["name"]?.GetValue<string>() == name);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}
