using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Runtime;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests;

/// <summary>An engine with one pack registered the way the host does it (its one call, settings per tenant), on a fake clock.</summary>
public static class PackEngine
{
    public static WorkflowEngine Create(Action<IServiceCollection, IConfiguration> addPack, IDictionary<string, string?> settings,
        FakeClock clock, string tenant = "default", params string[] models) =>
        Create(addPack, settings, clock, tenant, o => o, models);

    /// <summary>The same, with the engine's options shaped by <paramref name="options"/> (service facts, case documents).</summary>
    public static WorkflowEngine Create(Action<IServiceCollection, IConfiguration> addPack, IDictionary<string, string?> settings,
        FakeClock clock, string tenant, Func<WorkflowEngineOptions, WorkflowEngineOptions> options, params string[] models)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        addPack(services, configuration);
        var registry = new ActivityRegistry().AddFrom(services.BuildServiceProvider());
        var engine = new WorkflowEngine(options(new WorkflowEngineOptions { Clock = clock, Activities = registry, TenantId = tenant }));
        foreach (var model in models)
        {
            var path = Path.Combine(AppContext.BaseDirectory, model);
            var read = new BpmnReader().ReadFile(path);
            read.Definitions.ShouldNotBeNull(string.Join("\n", read.Diagnostics));
            engine.Deploy(Path.GetFileName(path), read.Definitions);
        }
        return engine;
    }

    public static FakeClock Clock() => new(Instant.FromUtc(2026, 12, 3, 9, 0));

    /// <summary>Runs due jobs (retries) until none is left, moving the clock to each.</summary>
    public static void RunRetries(WorkflowEngine engine, FakeClock clock)
    {
        for (var i = 0; i < 20 && engine.NextDueTime() is { } due; i++)
        {
            if (due > clock.GetCurrentInstant()) clock.Reset(due);
            engine.RunDueJobs();
        }
    }
}
