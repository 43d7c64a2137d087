using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Host.Api;

/// <summary>The body of a §42a (2) sentence 3 VwVfG extension: by how long (ISO period: P1M, P2W) and why.</summary>
public sealed record FristVerlaengerungRequest(string? Verlaengerung, string? Begruendung);

/// <summary>
/// Fristen as commands: the one extension of a Genehmigungsfiktion's Frist (§42a (2) sentence 3 VwVfG) — by the clerk who
/// holds the decision task, or by an operator on the case. Refused with 400 and the reason: a second extension, no reason,
/// an extension longer than the Frist, a Frist that has passed or is no Fiktion.
/// </summary>
internal static class FristEndpoints
{
    private const string Body = "{\"verlaengerung\": ISO period in days, weeks or months (P1M), \"begruendung\": string (why the difficulty of the matter justifies it)}";

    public static void MapFristEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tasks/{id}/fiktionsfrist/verlaengerung", (HttpContext http, string id, FristVerlaengerungRequest? body) =>
            {
                var (um, grund) = Read(body);
                var tasks = TaskEndpoints.Tasks(http);
                var (a, row) = tasks.Visible(http.Caller(), id);
                if (!a.Holds(row.Task))
                    throw new ApiProblemException(409, "Conflict", row.Task.Assignee is { } holder
                        ? $"task '{id}' is held by '{holder}': only they extend its Frist"
                        : $"task '{id}' is free: claim it before you extend its Frist");
                return Results.Ok(http.Tenant().Engine.ExtendFiktionsfristOfTask(id, um, grund, a.Me));
            })
            .WithName("ExtendFiktionsfristOfTask").RequirePermission(Permission.TaskWork)
            .WithSummary("§42a (2) VwVfG: extend the Genehmigungsfiktion's Frist that dates this task, once, with a reason")
            .Produces<FristInfo>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/process-instances/{id}/fristen/{elementId}/verlaengerung", (HttpContext http, string id, string elementId, FristVerlaengerungRequest? body) =>
            {
                var (um, grund) = Read(body);
                var t = http.Tenant();
                InstanceEndpoints.RequireInstance(t, id);
                return Results.Ok(t.Engine.ExtendFiktionsfrist(id, elementId, um, grund, http.Caller().Id));
            })
            .WithName("ExtendFiktionsfrist").RequirePermission(Permission.InstanceOperate)
            .WithSummary("§42a (2) VwVfG: extend the Frist of the Genehmigungsfiktion at an element of the case, once, with a reason")
            .Produces<FristInfo>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static (Period Um, string Grund) Read(FristVerlaengerungRequest? body)
    {
        if (body is null) throw ApiProblemException.BadRequest("the body is missing", Body);
        if (string.IsNullOrWhiteSpace(body.Verlaengerung)) throw ApiProblemException.BadRequest("verlaengerung is missing: by how long (P1M)?", Body);
        var parsed = PeriodPattern.NormalizingIso.Parse(body.Verlaengerung.Trim());
        if (!parsed.Success) throw ApiProblemException.BadRequest($"verlaengerung '{body.Verlaengerung}' is not an ISO 8601 period (P1M, P2W, P10D)", Body);
        if (string.IsNullOrWhiteSpace(body.Begruendung)) throw ApiProblemException.BadRequest("begruendung is missing: §42a (2) VwVfG allows the extension only where the difficulty of the matter justifies it", Body);
        return (parsed.Value, body.Begruendung);
    }
}
