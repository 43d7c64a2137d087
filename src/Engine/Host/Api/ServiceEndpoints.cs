using EGov.Workflows.Catalogue;
using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime.Text;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The service catalogue: every Leistung of the tenant (imported from the LeiKa/OZG list) and every service a
/// service.yaml describes, with its state (digital or nicht digital), Reifegrad and deployed version.
/// </summary>
internal static class ServiceEndpoints
{
    public static void MapServiceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/services", (HttpContext http, string? state, string? themenfeld, string? q, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                ServiceState? wanted = null;
                if (!string.IsNullOrWhiteSpace(state))
                    wanted = Names.Parse(state) ?? throw ApiProblemException.BadRequest($"state '{state}' is unknown", "state=digital or state=nicht-digital");
                var t = http.Tenant();
                CatchUpOverlays(http);
                var items = t.Services.Overview(t.Catalog)
                    .Where(e => wanted is null || e.State == wanted)
                    .Where(e => string.IsNullOrWhiteSpace(themenfeld) || string.Equals(e.Themenfeld?.Trim(), themenfeld.Trim(), StringComparison.OrdinalIgnoreCase))
                    .Where(e => string.IsNullOrWhiteSpace(q) || e.Name.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase) || e.Key.StartsWith(q.Trim(), StringComparison.Ordinal))
                    .Select(ServiceSummaryDto.From).ToList();
                return Results.Ok(Page<ServiceSummaryDto>.Of(items, page));
            })
            .WithName("ListServices").RequirePermission(Permission.ServiceRead)
            .WithSummary("The service catalogue: every Leistung and described service with state (digital, nicht digital), Reifegrad and deployed version (?state=&themenfeld=&q=&offset=&limit=)")
            .Produces<Page<ServiceSummaryDto>>().ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/services/{key}", (HttpContext http, string key) =>
            {
                var t = http.Tenant();
                CatchUpOverlays(http);
                var entry = t.Services.Overview(t.Catalog).FirstOrDefault(e => e.Key == key)
                    ?? throw ApiProblemException.NotFound($"service '{key}' is not in the catalogue of tenant '{t.TenantId}' (a LeiKa key, or the folder name of an internal service)");
                return Results.Ok(ServiceDto.From(entry));
            })
            .WithName("GetService").RequirePermission(Permission.ServiceRead)
            .WithSummary("One service by LeiKa key (or an internal service by its folder name): its service.yaml as JSON, state, Reifegrad and deployed version")
            .Produces<ServiceDto>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The tenants' overlays another node over the store deployed meanwhile: their fees and groups are shown here too.</summary>
    private static void CatchUpOverlays(HttpContext http) =>
        (http.RequestServices.GetService(typeof(Catalogue.TenantOverlays)) as Catalogue.TenantOverlays)?.CatchUp();
}

/// <summary>A line of the catalogue.</summary>
public sealed record ServiceSummaryDto(
    string Key, string? Leika, string Name, string State, int? Reifegrad, string? ProcessId, int? Version, string? OzgId, string? OzgLeistung, string? Themenfeld, string? Lebenslage)
{
    public static ServiceSummaryDto From(CatalogueEntry e) =>
        new(e.Key, e.Leika, e.Name, e.StateName, e.Reifegrad, e.ProcessId, e.Version, e.OzgId, e.OzgLeistung, e.Themenfeld, e.Lebenslage);
}

/// <summary>One service in full: the line of the catalogue and, for a digital service, what its service.yaml says.</summary>
public sealed record ServiceDto(
    string Key, string? Leika, bool Internal, string State, int? Reifegrad, string? ProcessId, int? Version,
    ServiceNameDto Name, OzgDto? Ozg, IReadOnlyList<LegalBasisDto> LegalBases, ResponsibleDto? Responsible, string? TrustLevel,
    string? Bearbeitungsfrist, string? Aufbewahrungsfrist, FeeDto? Fees, ContactDto? Contact, string? ValidFrom, string? ValidTo)
{
    public static ServiceDto From(CatalogueEntry e)
    {
        var s = e.Service;
        return new ServiceDto(e.Key, e.Leika, s?.Internal ?? false, e.StateName, e.Reifegrad, e.ProcessId, e.Version,
            new ServiceNameDto(s?.Name.De ?? e.Name, s?.Name.En),
            e.OzgId is null && e.OzgLeistung is null ? null : new OzgDto(e.OzgId, e.OzgLeistung, e.Themenfeld, e.Lebenslage),
            s?.LegalBases.Select(b => new LegalBasisDto(b.Law, b.Paragraph, b.Link)).ToList() ?? [],
            s is null ? null : new ResponsibleDto(s.Responsible.OrgUnit, s.Responsible.Groups),
            s?.TrustLevel, s?.Bearbeitungsfrist?.ToString(), s?.Aufbewahrungsfrist?.ToString(),
            s?.Fees is { } f ? new FeeDto(f.Amount, f.Per, f.Decision, f.LegalBasis) : null,
            s?.Contact is { } c ? new ContactDto(c.Name, c.Email, c.Phone, c.Url) : null,
            s?.ValidFrom is { } from ? LocalDatePattern.Iso.Format(from) : null,
            s?.ValidTo is { } to ? LocalDatePattern.Iso.Format(to) : null);
    }
}

public sealed record ServiceNameDto(string De, string? En);
public sealed record OzgDto(string? Id, string? Leistung, string? Themenfeld, string? Lebenslage);
public sealed record LegalBasisDto(string Law, string? Paragraph, string? Link);
public sealed record ResponsibleDto(string OrgUnit, IReadOnlyList<string> Groups);
public sealed record FeeDto(decimal? Amount, string? Per, string? Decision, string? LegalBasis);
public sealed record ContactDto(string? Name, string? Email, string? Phone, string? Url);
