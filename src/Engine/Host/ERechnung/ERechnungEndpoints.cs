using System.Text.Json.Nodes;
using EGov.Workflows.Activities.ERechnung.Validation;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Rechnungseingang;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.ERechnung;

/// <summary>An entry of the Eingangsbuch as the API shows it.</summary>
public sealed record EingangDto(string Id, DateTimeOffset EingegangenAm, string Kanal, string? Absender, string Dateiname, bool Gueltig, string? Szenario,
    JsonNode? Fehler, string? Rechnungsnummer, string? Verkaeufer, string? LeitwegId, decimal? Zahlbetrag, string? Waehrung, string? InstanceId)
{
    public static EingangDto From(EingangsEintrag e) => new(e.Id, e.ReceivedAt.ToDateTimeOffset(), e.Kanal, e.Absender, e.Dateiname, e.Gueltig, e.Szenario,
        JsonNode.Parse(e.FehlerJson), e.Rechnungsnummer, e.Verkaeufer, e.LeitwegId, e.Zahlbetrag, e.Waehrung, e.InstanceId);
}

/// <summary>A validation report: per message the rule id, level, text and location.</summary>
public sealed record PruefberichtDto(string Datei, bool Gueltig, string Ergebnis, string? Szenario, IReadOnlyList<ValidationMessage> Meldungen);

/// <summary>
/// The Rechnungseingang under /api/erechnung: upload an e-invoice (it is validated, entered in the Eingangsbuch and starts
/// its case), only validate one, list and read the Eingangsbuch and its files.
/// </summary>
public static class ERechnungEndpoints
{
    public static void MapERechnungEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/erechnung/rechnungen", async (HttpContext http, string? dateiname, string? absender) =>
            {
                var t = http.Tenant();
                t.CatchUp();
                if (t.Catalog.Latest(Rechnungseingang.ProcessId) is null && !t.Engine.Deployed().Any(p => p.ProcessId == Rechnungseingang.ProcessId))
                    throw ApiProblemException.NotFound($"the process {Rechnungseingang.ProcessId} (processes/erechnung) is not deployed for tenant '{t.TenantId}'");
                CandidateStarters.Check(http, t, Rechnungseingang.ProcessId);
                var content = await Body(http);
                if (absender is not null && !System.Net.Mail.MailAddress.TryCreate(absender, out _))
                    throw ApiProblemException.BadRequest($"absender '{absender}' is no e-mail address", "absender=name@example.org (where answers about the invoice go)");
                var service = http.RequestServices.GetRequiredService<Rechnungseingang>();
                var received = await Receive(() => service.ReceiveAsync(t, "upload", null, absender, FileName(dateiname), content, http.Caller().Id, cancellationToken: http.RequestAborted));
                if (received.Duplikat)
                    throw new ApiProblemException(409, "Rechnung bereits eingegangen",
                        $"Diese Datei ist bereits als {received.Eintrag.Id} eingegangen; es wird kein zweiter Vorgang angelegt.",
                        new Dictionary<string, object?> { ["eingang"] = received.Eintrag.Id, ["instanceId"] = received.Eintrag.InstanceId });
                return Results.Created($"/api/erechnung/rechnungen/{received.Eintrag.Id}", EingangDto.From(received.Eintrag));
            })
            .WithName("UploadInvoice").RequirePermission(Permission.ProcessStart)
            .WithSummary("Upload an e-invoice (XRechnung UBL or CII, the XML as the body, at most 10 MB; ?dateiname=&absender=): validated (XSD and every Schematron rule), entered in the Eingangsbuch and its case Process_ERechnung started — an invalid one too, which goes back to the sender with the rule ids; 409 for a file received before")
            .Produces<EingangDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/erechnung/pruefung", async (HttpContext http, string? dateiname) =>
            {
                var content = await Body(http);
                var service = http.RequestServices.GetRequiredService<Rechnungseingang>();
                var name = FileName(dateiname);
                var result = await Receive(() => service.Validator.ValidateAsync(name, content, http.RequestAborted));
                var outcome = result.Outcome switch { InvoiceOutcome.Valid => "gültig", InvoiceOutcome.Invalid => "ungültig", _ => "keine Rechnung" };
                return Results.Ok(new PruefberichtDto(name, result.IsValid, outcome, result.Scenario?.Name, result.Messages));
            })
            .WithName("ValidateInvoice").RequirePermission(Permission.SignedIn)
            .WithSummary("Validate an e-invoice without entering it (the XML as the body): gültig, ungültig or keine Rechnung, with every message (rule id, level, text, location)")
            .Produces<PruefberichtDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/erechnung/rechnungen", (HttpContext http, int? offset, int? limit) =>
            {
                var page = PageRequest.From(offset, limit);
                var service = http.RequestServices.GetRequiredService<Rechnungseingang>();
                var (items, total) = service.Store.List(http.Tenant().TenantId, page.Offset, page.Limit);
                return Results.Ok(new Page<EingangDto>(items.Select(EingangDto.From).ToList(), page.Offset, page.Limit, total));
            })
            .WithName("ListInvoices").RequirePermission(Permission.InstanceRead)
            .WithSummary("The Eingangsbuch: received e-invoices, newest first, with channel, sender, validation result and case (?offset=&limit=)")
            .Produces<Page<EingangDto>>();

        api.MapGet("/erechnung/rechnungen/{id}", (HttpContext http, string id) =>
            {
                var service = http.RequestServices.GetRequiredService<Rechnungseingang>();
                var entry = service.Store.Get(http.Tenant().TenantId, id, withContent: false) ?? throw ApiProblemException.NotFound($"no e-invoice '{id}'");
                return Results.Ok(EingangDto.From(entry));
            })
            .WithName("GetInvoice").RequirePermission(Permission.InstanceRead)
            .WithSummary("One entry of the Eingangsbuch with its validation result")
            .Produces<EingangDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/erechnung/rechnungen/{id}/datei", (HttpContext http, string id) =>
            {
                var service = http.RequestServices.GetRequiredService<Rechnungseingang>();
                var entry = service.Store.Get(http.Tenant().TenantId, id, withContent: true) ?? throw ApiProblemException.NotFound($"no e-invoice '{id}'");
                return Results.File(entry.Inhalt ?? [], "application/xml", entry.Dateiname);
            })
            .WithName("GetInvoiceFile").RequirePermission(Permission.InstanceRead)
            .WithSummary("The received file as it came")
            .Produces(StatusCodes.Status200OK, contentType: "application/xml").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<byte[]> Body(HttpContext http)
    {
        if (http.Request.ContentLength is > Rechnungseingang.MaxBytes)
            throw ApiProblemException.BadRequest($"the invoice is larger than {Rechnungseingang.MaxBytes / 1024 / 1024} MB");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > Rechnungseingang.MaxBytes)
                throw ApiProblemException.BadRequest($"the invoice is larger than {Rechnungseingang.MaxBytes / 1024 / 1024} MB");
        }
        if (buffer.Length == 0) throw ApiProblemException.BadRequest("the body is empty", "the invoice's XML (UBL or CII) as the request body");
        return buffer.ToArray();
    }

    private static string FileName(string? given)
    {
        var name = string.IsNullOrWhiteSpace(given) ? "rechnung.xml" : Path.GetFileName(given.Trim());
        if (name.Length > 200 || name.Any(char.IsControl)) throw ApiProblemException.BadRequest("dateiname is too long or contains control characters");
        return name;
    }

    /// <summary>Runs the validation; a missing rule folder, Java or Saxon is 503 with the reason (nothing is entered then).</summary>
    private static async Task<T> Receive<T>(Func<Task<T>> run)
    {
        try { return await run(); }
        catch (XRechnungSetupException e) { throw new ApiProblemException(503, "XRechnung-Prüfung nicht verfügbar", e.Message); }
        catch (ArgumentException e) { throw ApiProblemException.BadRequest(e.Message); }
    }
}
