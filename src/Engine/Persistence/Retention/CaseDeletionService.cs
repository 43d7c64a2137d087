using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace EGov.Workflows.Persistence.Retention;

/// <summary>A case due for deletion, and why.</summary>
public sealed record DueCase(string RootInstanceId, Instant EndedAt, CaseDeletion Why);

/// <summary>
/// The DSGVO deletion run: finds the ended cases whose retention is over and deletes their personal data, leaving a
/// tombstone each (<see cref="EfRuntimeStore.DeleteCase"/>). A case is due
/// <list type="bullet">
/// <item>when it ended after an Aussonderung that finished (its variable <c>aussonderung</c> has the phase
/// <c>abgeschlossen</c>: the archive took the file, or did not want it) — the Aufbewahrungsfrist was waited out in the
/// process before the Aussonderung; or</item>
/// <item>when its service's Aufbewahrungsfrist (<see cref="CaseRetentionRule"/>) is over: the case ended on day E, the Frist
/// ends with day E + Aufbewahrungsfrist (BGB § 188, in <see cref="Zone"/>), the deletion comes the day after.</item>
/// </list>
/// A case whose Aussonderung did not finish (the archive refused the import, or the process ended while it waited) is
/// never deleted by the run: the archive may still have to take it; it is reported in <see cref="Kept"/>.
/// Safe on many nodes and repeatable: a case deleted twice keeps its first tombstone.
/// </summary>
public sealed class CaseDeletionService(EfRuntimeStore store, IClock clock, ILogger<CaseDeletionService>? log = null)
{
    /// <summary>The <c>deleted_by</c> of the scheduled run.</summary>
    public const string Scheduled = "dsgvo-loeschlauf";

    private readonly ILogger _log = log ?? NullLogger<CaseDeletionService>.Instance;

    /// <summary>The zone the days of a Frist are counted in (default Europe/Berlin).</summary>
    public DateTimeZone Zone { get; init; } = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>Cases looked at per rule and run.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Cases of the last <see cref="Due"/> that are not deleted because their Aussonderung did not finish (root id, phase).</summary>
    public IReadOnlyList<(string RootInstanceId, string Phase)> Kept { get; private set; } = [];

    /// <summary>The cases of <paramref name="tenantId"/> due for deletion now under <paramref name="rules"/> (nothing is deleted).</summary>
    public IReadOnlyList<DueCase> Due(string tenantId, IEnumerable<CaseRetentionRule> rules, string deletedBy = Scheduled)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var now = clock.GetCurrentInstant();
        var today = now.InZone(Zone).Date;
        var due = new List<DueCase>();
        var kept = new List<(string, string)>();
        foreach (var rule in rules)
        {
            // Prefilter in SQL: ended before the day after (today − Frist); the exact Frist is checked per case below.
            var endedBefore = today.Minus(rule.Aufbewahrungsfrist).PlusDays(1).AtStartOfDayInZone(Zone).ToInstant();
            foreach (var (root, endedAt) in store.EndedCases(tenantId, rule.ProcessId, endedBefore, "aussonderung", BatchSize))
            {
                var variables = store.Load(tenantId, root)?.Scopes.FirstOrDefault(s => s.ParentScopeId is null)?.Variables ?? [];
                var aktenzeichen = Text(variables["eakte"]?["aktenzeichen"]) ?? Text(variables["aussonderung"]?["aktenzeichen"]);
                var endedOn = endedAt.InZone(Zone).Date;
                if (variables["aussonderung"] is JsonObject aussonderung)
                {
                    var phase = Text(aussonderung["phase"]) ?? "unbekannt";
                    if (phase != "abgeschlossen") { kept.Add((root, phase)); continue; }
                    var kassiert = Text(aussonderung["bewertung"]) == "V";
                    var archivkennung = Text(aussonderung["archivkennung"]);
                    var reason = kassiert
                        ? $"Aussonderung abgeschlossen: vom Archiv nicht übernommen (kassiert); Vorgang endete am {endedOn:yyyy-MM-dd}"
                        : $"Aussonderung abgeschlossen: vom Archiv übernommen{(archivkennung is null ? "" : $" ({archivkennung})")}; Vorgang endete am {endedOn:yyyy-MM-dd}";
                    due.Add(new DueCase(root, endedAt, new CaseDeletion(reason, $"{rule.Rule}; nach Aussonderung (xdomea 0501–0507)", deletedBy,
                        aktenzeichen, kassiert ? "kassiert" : "archiviert", archivkennung)));
                    continue;
                }
                var fristEnde = endedOn.Plus(rule.Aufbewahrungsfrist);
                if (fristEnde >= today) continue; // the Frist runs until the end of that day
                due.Add(new DueCase(root, endedAt, new CaseDeletion(
                    $"Aufbewahrungsfrist {rule.Aufbewahrungsfrist} seit Vorgangsende am {endedOn:yyyy-MM-dd} mit dem {fristEnde:yyyy-MM-dd} abgelaufen",
                    rule.Rule, deletedBy, aktenzeichen)));
            }
        }
        Kept = kept;
        return due;
    }

    /// <summary>Deletes every case <see cref="Due"/> finds, each in its own transaction; returns what was deleted.</summary>
    public IReadOnlyList<CaseDeletionResult> RunOnce(string tenantId, IEnumerable<CaseRetentionRule> rules, string deletedBy = Scheduled)
    {
        var results = new List<CaseDeletionResult>();
        foreach (var c in Due(tenantId, rules, deletedBy))
        {
            try
            {
                var r = store.DeleteCase(tenantId, c.RootInstanceId, c.Why, clock.GetCurrentInstant());
                results.Add(r);
                if (!r.AlreadyDeleted && _log.IsEnabled(LogLevel.Information))
                    _log.LogInformation("dsgvo: deleted the personal data of case {Instance} ({Aktenzeichen}, process {Process}) by {By}: {Reason}; rule {Rule}",
                        c.RootInstanceId, r.Tombstone.Aktenzeichen, r.Tombstone.ProcessId, deletedBy, c.Why.Reason, c.Why.Rule);
            }
            catch (CaseDeletionRefusedException e)
            {
                if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("dsgvo: case {Instance} not deleted: {Reason}", c.RootInstanceId, e.Message);
            }
        }
        foreach (var (root, phase) in Kept)
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("dsgvo: case {Instance} is kept: its Aussonderung is in the phase '{Phase}', not finished", root, phase);
        return results;
    }

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
