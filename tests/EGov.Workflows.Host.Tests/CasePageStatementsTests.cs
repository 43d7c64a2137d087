using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// What a case page costs the store (bench W8: the page's p99 is its round trips, not its data). A case page asks for the
/// instance (state, variables), its history and its variable history; each request reads only what it answers.
/// Statements are told apart by the case's id among their parameters, so the node's background loops don't count.
/// </summary>
public sealed class CasePageStatementsTests
{
    public static TheoryData<string> Stores() => StoreUnderTest.Names();

    [Theory, MemberData(nameof(Stores))]
    public async Task TheInstanceView_ReadsTheTreeOnce_AndNoHistory(string store)
    {
        using var db = StoreUnderTest.Of(store, "casepage");
        await using var s = await TestServer.StartAsync(store: db.Store);
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { variables = new { betrag = 10 } });

        using var statements = new CaseStatements(id);
        var instance = await s.GetJsonAsync($"api/process-instances/{id}");

        instance["variables"]!["betrag"]!.GetValue<int>().ShouldBe(10);
        instance["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Pruefen"]);
        statements.Reading("instances").ShouldBe(1, string.Join("\n", statements.All));
        statements.Reading("history").ShouldBe(0, string.Join("\n", statements.All));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task TheVariableHistory_OfAKnownCase_DoesNotLookUpItsTree_AndAnUnknownIdIsStill404(string store)
    {
        using var db = StoreUnderTest.Of(store, "casepage");
        await using var s = await TestServer.StartAsync(store: db.Store);
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { variables = new { betrag = 10 } });

        using (var statements = new CaseStatements(id))
        {
            var changes = (await s.GetJsonAsync($"api/process-instances/{id}/history/variables")).AsArray();
            changes.Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["betrag"]);
            statements.Reading("instances").ShouldBe(0, string.Join("\n", statements.All));
            statements.All.Count.ShouldBe(1, string.Join("\n", statements.All)); // a short first page: no count
        }
        using (var statements = new CaseStatements(id))
        {
            var elements = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
            elements.Select(e => (e!["elementId"]!.GetValue<string>(), e["endedAt"] is null)).ShouldBe([("Start", false), ("Pruefen", true)]);
            // the history rows with their activity packs in one statement, no count
            statements.Reading("history").ShouldBe(1, string.Join("\n", statements.All));
        }
        // A case without task events yet is an empty page, not a 404 (its tree is looked up because the page is empty).
        (await s.GetJsonAsync($"api/process-instances/{id}/history/incidents")).AsArray().ShouldBeEmpty();
        using var unknown = await s.SendAsync(HttpMethod.Get, "api/process-instances/nope/history/variables");
        await TestServer.ShouldBeProblemAsync(unknown, 404);
        using var unknownInstance = await s.SendAsync(HttpMethod.Get, "api/process-instances/nope");
        await TestServer.ShouldBeProblemAsync(unknownInstance, 404);
    }

    /// <summary>The SQL statements EF Core executes with the case's id as a parameter, while it is open.</summary>
    private sealed class CaseStatements : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _id;
        private readonly ConcurrentQueue<string> _texts = new();
        private readonly List<IDisposable> _subscriptions = [];

        public CaseStatements(string id)
        {
            _id = id;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public IReadOnlyList<string> All => [.. _texts];

        /// <summary>How many statements read from the table (or from tables whose name starts with it: history, history_*).</summary>
        public int Reading(string table) => _texts.Count(t =>
            System.Text.RegularExpressions.Regex.IsMatch(t, $@"\bFROM\s+""?{table}(_\w+)?\b""?", System.Text.RegularExpressions.RegexOptions.IgnoreCase));

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name) lock (_subscriptions) _subscriptions.Add(value.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != RelationalEventId.CommandExecuted.Name || value.Value is not CommandExecutedEventData data) return;
            if (data.Command.Parameters.Cast<DbParameter>().Any(p => Equals(p.Value, _id))) _texts.Enqueue(data.Command.CommandText);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
        }
    }
}
