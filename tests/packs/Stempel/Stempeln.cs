using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;

[assembly: ActivityPack("Stempel")]

namespace EGov.Workflows.TestPacks.Stempel;

/// <summary>Bound from the configuration section <c>Packs:Stempel</c>.</summary>
public sealed class StempelOptions
{
    public string Amt { get; set; } = "unbekannt";
}

/// <summary>Stamps the case: which office (options), which Newtonsoft.Json and which load context (the pack's own).</summary>
[Activity("test-stempel", Description = "Stempelt den Vorgang")]
public sealed class Stempeln(ILogger<Stempeln> logger, IHttpClientFactory http, IOptionsMonitor<StempelOptions> options) : WorkflowActivity
{
    public override IReadOnlyList<ActivityParameter> Outputs => [new("stempel", ActivityValueType.Object)];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (logger.IsEnabled(LogLevel.Information)) logger.LogInformation("Stempel für {Instance}", context.ProcessInstanceId);
        using var client = http.CreateClient();
        var stempel = new JsonObject
        {
            ["amt"] = options.Get(context.TenantId).Amt, // Packs:Stempel, overlaid by Tenants:<tenant>:Stempel
            ["json"] = typeof(JsonConvert).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version,
            ["kontext"] = AssemblyLoadContext.GetLoadContext(typeof(Stempeln).Assembly)!.Name,
            ["text"] = JsonConvert.SerializeObject(new { context.BusinessKey }),
        };
        return Task.FromResult(ActivityResult.Complete(new JsonObject { ["stempel"] = stempel }));
    }
}
