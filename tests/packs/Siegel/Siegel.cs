using System.Reflection;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json;

namespace EGov.Workflows.TestPacks.Siegel;

/// <summary>The pack's entry point: registers its activities itself (no [Activity] scan).</summary>
public sealed class SiegelPack : IActivityPack
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddEgovActivity<Siegeln>();
        services.AddEgovActivity<Kaputt>();
    }
}

[Activity("test-siegel")]
public sealed class Siegeln : WorkflowActivity
{
    public override Task<ActivityResult> ExecuteAsync(ActivityContext context) =>
        Task.FromResult(ActivityResult.Complete(new JsonObject { ["siegelJson"] = typeof(JsonConvert).Assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()!.Version }));
}

/// <summary>Its constructor throws, as a pack missing a setting would.</summary>
[Activity("test-kaputt")]
public sealed class Kaputt : WorkflowActivity
{
    public Kaputt() => throw new InvalidOperationException("Siegel: Zugangsdaten fehlen");

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(ActivityResult.Complete());
}
