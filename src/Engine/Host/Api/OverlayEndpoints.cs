using EGov.Workflows.Host.Catalogue;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The shared models with local overlays, per tenant: which version of which shared model runs with which overlay (its
/// file and content hash), or why a tenant's overlay was refused (positions in the overlay). Only the caller's tenants.
/// </summary>
internal static class OverlayEndpoints
{
    private const int MaxOverlayChars = 256 * 1024;
    private const string OverlayBody = "das Overlay als YAML (Content-Type: application/yaml), siehe docs/overlay.schema.json";

    public static void MapOverlayEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/services/overlays", (HttpContext http, string? tenant, int? offset, int? limit) =>
            {
                var caller = http.Caller();
                var overlays = http.RequestServices.GetService<TenantOverlays>();
                overlays?.CatchUp(); // what another node over the store deployed meanwhile
                var rows = overlays?.All ?? [];
                var mine = rows.Where(r => caller.BelongsTo(r.Tenant) && (tenant is null || r.Tenant == tenant));
                // A provider runs 580 services for hundreds of tenants: the list is paged like every other (X-Total-Count).
                return Results.Ok(BoundedList.Of(http, mine, offset, limit)
                    .Select(r => new
                    {
                        tenant = r.Tenant, service = r.Service, overlay = r.OverlayFile, overlayHash = r.OverlayHash, processId = r.ProcessId,
                        sharedHash = r.SharedHash, sharedVersion = r.SharedVersion, version = r.Version, state = r.State, problems = r.Problems,
                    }).ToList());
            })
            .WithName("ListServiceOverlays").RequirePermission(Permission.ServiceRead)
            .WithSummary("Per tenant: which version of which shared model runs with which overlay, or why the overlay was refused");

        // A tenant's overlay deployed through the API (X-Tenant names the tenant): merged with the shared model and deployed,
        // then kept as tenants/<tenant>/<service>.overlay.yaml; refused with the positions when it does not fit (nothing changes).
        api.MapPut("/services/overlays/{service}", async (HttpContext http, string service) =>
            {
                var tenant = http.Tenant();
                if (service.Length is 0 or > 100 || !System.Text.RegularExpressions.Regex.IsMatch(service, "^[A-Za-z0-9][A-Za-z0-9._-]*$"))
                    throw ApiProblemException.Ungueltig($"„{service}“ ist kein Name eines Leistungsordners (Buchstaben, Ziffern, „.“, „-“, „_“; höchstens 100 Zeichen)");
                using var reader = new StreamReader(http.Request.Body, System.Text.Encoding.UTF8);
                var buffer = new char[MaxOverlayChars + 1];
                var read = await reader.ReadBlockAsync(buffer, http.RequestAborted);
                if (read > MaxOverlayChars) throw ApiProblemException.Ungueltig($"Ein Overlay darf höchstens {MaxOverlayChars / 1024} KB groß sein.", OverlayBody);
                if (read == 0) throw ApiProblemException.Ungueltig("Die Anfrage enthält kein Overlay.", OverlayBody);
                var overlays = http.RequestServices.GetService<TenantOverlays>()
                    ?? throw ApiProblemException.Ungueltig("Dieser Server stellt keine Overlays bereit.");
                var row = overlays.DeployOverlay(http.RequestServices.GetRequiredService<TenantEngines>(), tenant.TenantId, service,
                    new string(buffer, 0, read), http.Caller().Id);
                var dto = new
                {
                    tenant = row.Tenant, service = row.Service, overlay = row.OverlayFile, overlayHash = row.OverlayHash, processId = row.ProcessId,
                    sharedHash = row.SharedHash, sharedVersion = row.SharedVersion, version = row.Version, state = row.State, problems = row.Problems,
                };
                if (row.State != "deployed")
                    // German for the operator; the positioned findings (file:line:column, as `egov validate` prints them) in "problems".
                    throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "Overlay passt nicht",
                        $"Das Overlay für „{service}“ wurde nicht bereitgestellt: es passt nicht zum gemeinsamen Modell ({row.Problems.Count} "
                        + $"{(row.Problems.Count == 1 ? "Befund" : "Befunde")} mit Zeile und Spalte unter „problems“). Für diesen Mandanten bleibt alles, wie es war.",
                        new Dictionary<string, object?> { ["problems"] = row.Problems });
                return Results.Ok(dto);
            })
            .WithName("DeployServiceOverlay").RequirePermission(Permission.Deploy)
            .WithSummary("Deploys the tenant's (X-Tenant) overlay of a shared service: merged, deployed as the tenant's version and kept under tenants/; 422 with positions when it does not fit")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new GermanProblems(), new ExpectedBody(OverlayBody));
    }
}
