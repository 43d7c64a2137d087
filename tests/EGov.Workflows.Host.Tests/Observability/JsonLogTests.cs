using System.Text.Json.Nodes;
using EGov.Workflows.Host.Observability;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Tests.Observability;

/// <summary>The console is the process's: these tests run alone, with the console redirected while their server lives.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

/// <summary>Issue 15, item 2: with <c>--log-format json</c> each line is one JSON object whose scopes name the tenant, the instance and the trace.</summary>
[Collection(nameof(ConsoleCapture))]
public sealed class JsonLogTests
{
    [Fact]
    public async Task AJsonLogLine_OfAJob_CarriesTenantInstanceAndTraceId_AndNoVariableValue()
    {
        var console = new LockedWriter();
        var original = Console.Out;
        Console.SetOut(console);
        string id;
        try
        {
            await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db",
                configure: o => o with { LogFormat = LogFormat.Json, LogLevel = LogLevel.Debug });
            await s.DeployAsync("frist.bpmn");
            id = await s.StartProcessAsync("Frist", new { variables = new { iban = "DE02120300000000202051" } });
            (await s.WaitForStateAsync(id, "completed", TimeSpan.FromSeconds(30)))["state"]!.GetValue<string>().ShouldBe("completed");
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!console.Text.Contains($"\"InstanceId\":\"{id}\"", StringComparison.Ordinal) && DateTime.UtcNow < until) await Task.Delay(50);
        }
        finally { Console.SetOut(original); }

        var lines = console.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var jobLine = lines.Select(l => l.StartsWith('{') ? JsonNode.Parse(l) : null).OfType<JsonNode>()
            .FirstOrDefault(l => l["Scopes"] is JsonArray scopes && scopes.Any(sc => sc?["InstanceId"]?.GetValue<string>() == id && sc["JobId"] is not null));
        jobLine.ShouldNotBeNull(string.Join('\n', lines.Take(40)));
        var scopes = jobLine["Scopes"]!.AsArray();
        scopes.ShouldContain(sc => sc!["TenantId"] != null && sc["TenantId"]!.GetValue<string>() == "default", jobLine.ToJsonString());
        scopes.ShouldContain(sc => sc!["TraceId"] != null && sc["TraceId"]!.GetValue<string>().Length == 32, jobLine.ToJsonString());
        jobLine["Timestamp"].ShouldNotBeNull();
        jobLine["LogLevel"].ShouldNotBeNull();
        console.Text.ShouldNotContain("DE02120300000000202051");
    }

    /// <summary>A console writer that several threads may write to while the test reads it.</summary>
    private sealed class LockedWriter : StringWriter
    {
        private readonly Lock _lock = new();
        public string Text { get { lock (_lock) return ToString(); } }
        public override void Write(char value) { lock (_lock) base.Write(value); }
        public override void Write(string? value) { lock (_lock) base.Write(value); }
        public override void Write(char[] buffer, int index, int count) { lock (_lock) base.Write(buffer, index, count); }
        public override void WriteLine(string? value) { lock (_lock) base.WriteLine(value); }
    }
}
