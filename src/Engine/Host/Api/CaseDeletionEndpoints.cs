using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Retention;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The tombstones of deleted cases (DSGVO, issue 12) and the deletion of one case on request (Art. 17 DSGVO): what is
/// left of a case after its personal data went — when, why, by which rule and by whom — and nothing personal. Reading
/// needs <see cref="Permission.HistoryRead"/>; a deletion <see cref="Permission.CaseDelete"/>, with a reason, the
/// deleting person taken from the caller. Only a durable store keeps tombstones (409 on the memory store).
/// </summary>
internal static class CaseDeletionEndpoints
{
    private const string Body = "{\"reason\": string (warum gelöscht wird, z. B. \"Antrag auf Löschung nach Art. 17 DSGVO vom 2026-12-01\"), \"rule\": string (optional, default \"Art. 17 Abs. 1 DSGVO\")}";

    public static void MapCaseDeletionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cases/tombstones", (HttpContext http, int? offset, int? limit) =>
            {
                var (t, store) = Durable(http);
                return Results.Ok(BoundedList.Read(http, offset, limit,
                    page => new Runtime.Store.RowPage<CaseTombstone>(store.Tombstones(t.TenantId, page.Offset, page.Limit), store.TombstoneCount(t.TenantId)),
                    TombstoneDto.From));
            })
            .WithName("ListCaseTombstones").RequirePermission(Permission.HistoryRead)
            .WithSummary("Grabsteine gelöschter Vorgänge, die neueste Löschung zuerst (X-Total-Count: wie viele es gibt)")
            .Produces<List<TombstoneDto>>().ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/cases/tombstones/{id}", (HttpContext http, string id) =>
            {
                var (t, store) = Durable(http);
                return store.TombstonesNamed(t.TenantId, id) switch
                {
                    [var one] => Results.Ok(TombstoneDto.From(one)),
                    [] => throw new ApiProblemException(404, "Nicht gefunden", $"Zu '{id}' gibt es keinen Grabstein: kein Vorgang mit dieser Kennung oder diesem Aktenzeichen wurde gelöscht."),
                    var several => throw new ApiProblemException(409, "Mehrdeutig", $"Das Aktenzeichen '{id}' nennt {several.Count} gelöschte Vorgänge; bitte die Vorgangskennung angeben.",
                        new Dictionary<string, object?> { ["vorgaenge"] = several.Select(s => s.RootInstanceId).ToList() }),
                };
            })
            .WithName("GetCaseTombstone").RequirePermission(Permission.HistoryRead)
            .WithSummary("Der Grabstein eines gelöschten Vorgangs (Vorgangskennung oder Aktenzeichen)")
            .Produces<TombstoneDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/cases/{id}/deletion", (HttpContext http, string id, CaseDeletionRequest? body) =>
            {
                var (t, store) = Durable(http);
                if (body is null) throw new ApiProblemException(400, "Ungültige Anfrage", "Der Anfrage fehlt der Inhalt.", Expected());
                if (string.IsNullOrWhiteSpace(body.Reason))
                    throw new ApiProblemException(400, "Ungültige Anfrage", "Der Grund der Löschung fehlt (reason): er steht im Grabstein, z. B. der Antrag nach Art. 17 DSGVO mit Datum.", Expected());
                if (body.Reason.Length > 1000) throw new ApiProblemException(400, "Ungültige Anfrage", "Der Grund ist länger als 1000 Zeichen.", Expected());
                if (body.Rule is { Length: > 200 }) throw new ApiProblemException(400, "Ungültige Anfrage", "Die Rechtsgrundlage (rule) ist länger als 200 Zeichen.", Expected());
                var caller = http.Caller();
                var root = Resolve(store, t.TenantId, id);
                if (root is null)
                {
                    // Deleted before: answer its tombstone, change nothing.
                    if (store.TombstonesNamed(t.TenantId, id) is [var earlier])
                        return Results.Ok(new CaseDeletionDto(TombstoneDto.From(earlier), AlreadyDeleted: true));
                    throw new ApiProblemException(404, "Nicht gefunden", $"Es gibt keinen Vorgang '{id}' (Vorgangskennung, Vorgangsnummer oder Aktenzeichen) in diesem Mandanten.");
                }
                CaseDeletionResult result;
                try
                {
                    var clock = t.Engine.Clock;
                    result = store.DeleteCase(t.TenantId, root, new CaseDeletion(body.Reason.Trim(), string.IsNullOrWhiteSpace(body.Rule) ? "Art. 17 Abs. 1 DSGVO" : body.Rule.Trim(), caller.Id),
                        clock.GetCurrentInstant());
                }
                catch (CaseDeletionRefusedException e)
                {
                    // By the store's reason, not its (English) wording.
                    throw new ApiProblemException(409, "Nicht löschbar", e.Reason switch
                    {
                        CaseDeletionRefusal.NotEnded => $"Der Vorgang '{id}' läuft noch; ein laufender Vorgang wird nicht gelöscht. Erst beenden (abbrechen), dann löschen.",
                        CaseDeletionRefusal.CalledInstance => $"'{id}' ist ein aufgerufener Teilvorgang; gelöscht wird er mit seinem Hauptvorgang.",
                        CaseDeletionRefusal.NotFound => $"Es gibt keinen Vorgang '{id}' (mehr) in diesem Mandanten; es wurde nichts gelöscht.",
                        _ => $"Der Vorgang '{id}' kann nicht gelöscht werden; es wurde nichts geändert. Das Protokoll des Servers nennt den Grund.",
                    }, new Dictionary<string, object?> { ["reason"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(e.Reason.ToString()) });
                }
                if (!result.AlreadyDeleted)
                {
                    var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("EGov.Workflows.Dsgvo");
                    if (log.IsEnabled(LogLevel.Information))
                        log.LogInformation("DSGVO-Löschung auf Antrag: Vorgang {Instance} ({Process}) gelöscht von {By}; Regel: {Rule}",
                            root, result.Tombstone.ProcessId, caller.Id, result.Tombstone.Rule);
                    Jobs.DsgvoLoeschlauf.DeleteAttachmentFiles(http.RequestServices.GetRequiredService<ServeOptions>(), t.TenantId, result, log);
                }
                return Results.Ok(new CaseDeletionDto(TombstoneDto.From(result.Tombstone), result.AlreadyDeleted));
            })
            .WithName("DeleteCaseOnRequest").RequirePermission(Permission.CaseDelete)
            .WithSummary("Löscht die personenbezogenen Daten eines beendeten Vorgangs auf Antrag (Art. 17 DSGVO) und hinterlässt einen Grabstein; mit Grund, gelöscht von der anfragenden Person")
            .Accepts<CaseDeletionRequest>("application/json")
            .Produces<CaseDeletionDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static Dictionary<string, object?> Expected() => new() { ["expected"] = Body };

    /// <summary>The tenant and the durable store; 409 on the memory store, which keeps no tombstones.</summary>
    private static (TenantEngine Tenant, EfRuntimeStore Store) Durable(HttpContext http)
    {
        var t = http.Tenant();
        return http.RequestServices.GetRequiredService<StoreChoice>().Store is EfRuntimeStore store
            ? (t, store)
            : throw new ApiProblemException(409, "Kein dauerhafter Speicher", "Grabsteine und Löschungen gibt es nur mit einem dauerhaften Speicher (--store sqlite:PFAD oder postgres:VERBINDUNG); der Speicher im Arbeitsspeicher vergisst ohnehin alles beim Beenden.");
    }

    /// <summary>The root instance a reference names (instance id, Vorgangsnummer or Aktenzeichen); null when none; 409 when several.</summary>
    internal static string? Resolve(EfRuntimeStore store, string tenantId, string reference) =>
        store.CasesNamed(tenantId, reference) switch
        {
            [] => null,
            [var one] => one,
            var several => throw new ApiProblemException(409, "Mehrdeutig", $"'{reference}' nennt {several.Count} Vorgänge; bitte die Vorgangskennung angeben.",
                new Dictionary<string, object?> { ["vorgaenge"] = several }),
        };
}

/// <summary>A deletion on request: why (required; it stays in the tombstone) and by which rule (default Art. 17 Abs. 1 DSGVO).</summary>
public sealed record CaseDeletionRequest(string? Reason, string? Rule = null);

/// <summary>The answer to a deletion: the tombstone, and whether the case had been deleted before (then nothing changed).</summary>
public sealed record CaseDeletionDto(TombstoneDto Tombstone, bool AlreadyDeleted);

/// <summary>A tombstone as the API shows it: no personal data, the rows deleted per table.</summary>
public sealed record TombstoneDto(
    string InstanceId, string ProcessId, int ProcessVersion, string? Aktenzeichen, DateTimeOffset StartedAt, DateTimeOffset EndedAt,
    DateTimeOffset DeletedAt, string Reason, string Rule, string DeletedBy, string? Aussonderung, string? Archivkennung, IReadOnlyDictionary<string, int> Deleted)
{
    public static TombstoneDto From(CaseTombstone t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.RootInstanceId, t.ProcessId, t.ProcessVersion, t.Aktenzeichen, t.StartedAt.ToDateTimeOffset(), t.EndedAt.ToDateTimeOffset(),
            t.DeletedAt.ToDateTimeOffset(), t.Reason, t.Rule, t.DeletedBy, t.Aussonderung, t.Archivkennung, t.Deleted);
    }
}
