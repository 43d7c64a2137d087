using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Host.Web;
using EGov.Workflows.Identity.Citizens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;

namespace EGov.Workflows.Host.Citizens;

/// <summary>A draft's answers (only the form's editable fields are kept).</summary>
public sealed record CitizenDraftRequest(JsonObject? Data);

/// <summary>
/// Applying online (<c>/buerger/leistungen/{processId}</c>): the page (form-js, built in src/Designer), the start form for the
/// signed-in citizen with the identity fields prefilled and read-only (<see cref="CitizenStartForm"/>), drafts kept on the
/// server (<see cref="CitizenDraftStore"/>, <c>Citizens:DraftDays</c>), uploads with the case file's limits, the check that
/// gives the summary to confirm, and after the start the way to the payment page. The start itself is
/// <c>POST /api/citizen/services/{processId}/start</c> (<see cref="CitizenServices"/>).
/// </summary>
public static class CitizenApplication
{
    /// <summary>At most this many files per draft.</summary>
    public const int MaxFiles = 10;

    /// <summary>A draft's answers as JSON are at most this long.</summary>
    public const int MaxDraftChars = 256 * 1024;

    internal static IEndpointRouteBuilder MapCitizenApplication(this IEndpointRouteBuilder app)
    {
        app.MapGet("/buerger/leistungen/{processId}", (HttpContext http, string processId, WebSite site) =>
            {
                var t = http.Tenant();
                var definition = t.Catalog.Latest(processId);
                if (TrustLevelGuard.Required(definition) is not { } required)
                    return CitizenPages.Html(http, CitizenPages.Refused("Leistung nicht gefunden", "Diese Leistung kann nicht online beantragt werden.", "/buerger", "Zur Startseite"), 404);
                var back = "/buerger/leistungen/" + Uri.EscapeDataString(processId);
                var citizen = CitizenIdentity.From(http.User);
                if (citizen is null) return Results.Redirect($"/buerger/anmelden?niveau={required.Eidas()}&returnUrl={Uri.EscapeDataString(back)}");
                if (citizen.Level < required)
                    return CitizenPages.Html(http, CitizenPages.Layout("Vertrauensniveau nicht ausreichend",
                        $"<div class=\"error\" role=\"alert\"><p>Für „{E(definition!.Name ?? processId)}“ ist das Vertrauensniveau „{E(required.German())}“ nötig. " +
                        $"Sie sind mit „{E(citizen.Level.German())}“ angemeldet.</p></div><p>Melden Sie sich bitte erneut an, zum Beispiel mit der Online-Ausweisfunktion oder einem ELSTER-Zertifikat.</p>" +
                        $"<p><a class=\"button\" href=\"/buerger/anmelden?niveau={required.Eidas()}&amp;returnUrl={E(Uri.EscapeDataString(back))}\">Erneut anmelden</a> " +
                        "<a class=\"button secondary\" href=\"/buerger\">Zur Startseite</a></p>"), 403);
                if (site.Page("buerger-leistung") is not IFileInfo file)
                    return Results.Problem(statusCode: 503, title: "Web pages not built", detail: "the web pages are not built: run ./egov once (it builds src/Designer with npm)");
                var headers = http.Response.Headers;
                headers.CacheControl = "no-store";
                headers.ContentSecurityPolicy = WebPages.ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                return TypedResults.PhysicalFile(file.PhysicalPath!, "text/html; charset=utf-8");
            })
            .WithName("PageCitizenApply").WithMetadata(new PageEndpoint()).RequirePermission(Permission.Public).ExcludeFromDescription();

        app.MapGet("/api/citizen/services/{processId}/form", async (HttpContext http, string processId, CitizenDraftStore drafts, PostkorbServices postkorb) =>
            {
                var (t, definition, citizen) = Offered(http, processId);
                var form = CitizenStartForm.For(t, definition, citizen);
                var draft = await drafts.FindAsync(t.TenantId, citizen.Owner, processId, http.RequestAborted);
                var files = draft is null ? [] : await drafts.FilesAsync(t.TenantId, citizen.Owner, processId, http.RequestAborted);
                return Results.Ok(new
                {
                    processId, name = definition.Name ?? processId, trustLevel = TrustLevelGuard.Required(definition)!.Value.Eidas(),
                    schema = form.Schema, data = form.Prefill(draft is null ? null : JsonNode.Parse(draft.Data) as JsonObject),
                    identityFields = form.Identity.Select(i => i.Key).ToList(),
                    draft = draft is null ? null : new { updatedAt = draft.UpdatedAt, expiresAt = draft.ExpiresAt },
                    files, draftDays = (int)Math.Round(drafts.Retention.TotalDays), maxFileBytes = postkorb.AttachmentOptions.MaxBytes, maxFiles = MaxFiles,
                });
            })
            .WithName("CitizenStartForm").WithSummary("The service's start form for the signed-in citizen: identity fields prefilled and read-only, a draft's answers, its files")
            .RequirePermission(Permission.CitizenSelf);

        app.MapPost("/api/citizen/services/{processId}/check", (HttpContext http, string processId, CitizenDraftRequest? body) =>
            {
                var (t, definition, citizen) = Offered(http, processId);
                var form = CitizenStartForm.For(t, definition, citizen);
                var values = form.Validate(body?.Data);
                return Results.Ok(new { summary = form.Summary(values) });
            })
            .WithName("CitizenCheckApplication").WithSummary("Checks the answers as the start will (400 with errors: [{field, message}]) and answers the summary to confirm; starts nothing")
            .RequirePermission(Permission.CitizenSelf);

        app.MapPut("/api/citizen/drafts/{processId}", async (HttpContext http, string processId, CitizenDraftRequest? body, CitizenDraftStore drafts) =>
            {
                var (t, definition, citizen) = Offered(http, processId);
                var data = CitizenStartForm.For(t, definition, citizen).Editable(body?.Data).ToJsonString();
                if (data.Length > MaxDraftChars)
                    throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "Entwurf zu groß", $"Der Entwurf hat {data.Length} Zeichen; höchstens {MaxDraftChars} werden gespeichert.");
                var saved = await drafts.SaveAsync(t.TenantId, citizen.Owner, processId, data, http.RequestAborted);
                return Results.Ok(new { updatedAt = saved.UpdatedAt, expiresAt = saved.ExpiresAt });
            })
            .WithName("CitizenSaveDraft").WithSummary("Keeps the answers of an unfinished application on the server (only the form's editable fields) for Citizens:DraftDays")
            .RequirePermission(Permission.CitizenSelf);

        app.MapDelete("/api/citizen/drafts/{processId}", async (HttpContext http, string processId, CitizenDraftStore drafts) =>
            {
                var citizen = CitizenSignIn.Current(http);
                await drafts.DeleteAsync(http.Tenant().TenantId, citizen.Owner, processId, http.RequestAborted);
                return Results.NoContent();
            })
            .WithName("CitizenDeleteDraft").WithSummary("Discards the citizen's draft of this service and its files")
            .RequirePermission(Permission.CitizenSelf);

        app.MapPost("/api/citizen/drafts/{processId}/files", async (HttpContext http, string processId, CitizenDraftStore drafts, PostkorbServices postkorb) =>
            {
                var (t, _, citizen) = Offered(http, processId);
                var max = postkorb.AttachmentOptions.MaxBytes;
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max + (64 * 1024);
                if (http.Request.ContentLength is { } length && length > max + (64 * 1024)) throw TooLarge(length, max);
                if (!http.Request.HasFormContentType)
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "Keine Datei", "Bitte schicken Sie die Datei als multipart/form-data im Feld „file“.");
                var upload = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max + (64 * 1024) }, http.RequestAborted);
                var file = upload.Files.GetFile("file")
                    ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, "Keine Datei", "Bitte wählen Sie eine Datei aus (Feld „file“).");
                if (file.Length > max) throw TooLarge(file.Length, max);
                if (file.Length == 0) throw new ApiProblemException(StatusCodes.Status400BadRequest, "Leere Datei", "Die Datei ist leer.");
                if ((await drafts.FilesAsync(t.TenantId, citizen.Owner, processId, http.RequestAborted)).Count >= MaxFiles)
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "Zu viele Dateien", $"Sie können höchstens {MaxFiles} Dateien anhängen.");
                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, http.RequestAborted);
                var content = buffer.ToArray();
                var name = SafeName(file.FileName);
                string type;
                try { type = AttachmentTypes.Check(name, file.ContentType, content); }
                catch (ApiProblemException e) when (e.Status == StatusCodes.Status415UnsupportedMediaType)
                {
                    throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Dateityp nicht erlaubt",
                        $"Die Datei „{name}“ wird nicht angenommen. Erlaubt sind PDF, PNG, JPEG, GIF, XML, CSV und Textdateien, und der Inhalt muss zur Dateiendung passen. (Grund: {e.Message})",
                        e.Extensions);
                }
                var hash = Convert.ToHexStringLower(SHA256.HashData(content));
                var saved = await drafts.AddFileAsync(t.TenantId, citizen.Owner, processId, hash, name, type, content, http.RequestAborted);
                return Results.Created($"/api/citizen/drafts/{Uri.EscapeDataString(processId)}/files/{saved.Hash}", saved);
            })
            .WithName("CitizenUploadDraftFile").WithSummary("Attaches a file to the application (the case file's limits: size 413, type checked against the bytes 415 with the reason)")
            .RequirePermission(Permission.CitizenSelf).DisableAntiforgery();

        app.MapDelete("/api/citizen/drafts/{processId}/files/{hash}", async (HttpContext http, string processId, string hash, CitizenDraftStore drafts) =>
            {
                var citizen = CitizenSignIn.Current(http);
                return await drafts.RemoveFileAsync(http.Tenant().TenantId, citizen.Owner, processId, hash, http.RequestAborted)
                    ? Results.NoContent() : throw ApiProblemException.NotFound("Datei nicht gefunden");
            })
            .WithName("CitizenRemoveDraftFile").WithSummary("Removes a file from the application")
            .RequirePermission(Permission.CitizenSelf);

        app.MapGet("/api/citizen/cases/{id}/payment", async (HttpContext http, string id, CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                _ = await cases.FindAsync(t.TenantId, citizen.Owner, id, http.RequestAborted) ?? throw ApiProblemException.NotFound("Vorgang nicht gefunden");
                return Results.Ok(PaymentOf(t, id) is { } url ? new { status = "offen", zahlungsUrl = (string?)url } : new { status = "keine", zahlungsUrl = (string?)null });
            })
            .WithName("CitizenCasePayment").WithSummary("Whether the citizen's case waits for a payment now, and the provider's page to pay on")
            .RequirePermission(Permission.CitizenSelf);

        app.MapGet("/buerger/vorgaenge/{id}/bezahlen", async (HttpContext http, string id, CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                if (await cases.FindAsync(t.TenantId, citizen.Owner, id, http.RequestAborted) is null)
                    return CitizenPages.Html(http, CitizenPages.Refused("Vorgang nicht gefunden", "Diesen Vorgang gibt es nicht.", "/buerger/vorgaenge", "Zu meinen Vorgängen"), 404);
                // The payment is created by a job right after the start: wait a little for it rather than send the citizen away.
                for (var i = 0; i < 40 && !http.RequestAborted.IsCancellationRequested; i++)
                {
                    if (PaymentOf(t, id) is { } url) return Results.Redirect(url);
                    await Task.Delay(500, http.RequestAborted);
                }
                return CitizenPages.Html(http, CitizenPages.Layout("Bezahlen",
                    "<p role=\"status\">Für diesen Antrag ist gerade keine Zahlung offen, oder sie wird noch vorbereitet. Bitte versuchen Sie es in einer Minute noch einmal.</p>" +
                    $"<p><a class=\"button\" href=\"/buerger/vorgaenge/{E(Uri.EscapeDataString(id))}/bezahlen\">Noch einmal versuchen</a> <a class=\"button secondary\" href=\"/buerger/vorgaenge\">Zu meinen Vorgängen</a></p>"));
            })
            .WithName("PageCitizenPay").WithMetadata(new PageEndpoint()).RequirePermission(Permission.CitizenSelf).ExcludeFromDescription();

        app.MapCitizenEidCheck();
        Consent.ConsentEndpoints.MapCitizenConsent(app);
        return app;
    }

    /// <summary>The service as the signed-in citizen may apply for it: 404 when not offered to citizens, 403 with the step-up when the level is lower.</summary>
    internal static (TenantEngine Tenant, DeployedDefinition Definition, CitizenIdentity Citizen) Offered(HttpContext http, string processId)
    {
        var citizen = CitizenSignIn.Current(http);
        var t = http.Tenant();
        var definition = t.Catalog.Latest(processId);
        var required = TrustLevelGuard.Required(definition)
            ?? throw ApiProblemException.NotFound($"Die Leistung '{processId}' kann nicht online beantragt werden.");
        if (citizen.Level < required) throw CitizenServices.StepUp(processId, citizen.Level, required);
        return (t, definition!, citizen);
    }

    /// <summary>
    /// The page to pay on when the case waits in a <c>payment-request</c> (the variable <c>zahlung</c> it wrote, still
    /// open); null otherwise. Only an http(s) address is given out.
    /// </summary>
    internal static string? PaymentOf(TenantEngine t, string instanceId)
    {
        Runtime.ProcessInstanceView view;
        try { view = t.Engine.GetInstance(instanceId); }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException) { return null; }
        if (view.State != Runtime.InstanceState.Running) return null;
        var definition = t.Catalog.Find(view.ProcessId, view.Version);
        var process = definition?.Definitions?.Processes.FirstOrDefault(p => p.Id == definition.ProcessId);
        var paying = process?.Descendants().Any(e => e.Id is { } elementId && view.Waiting.Contains(elementId)
            && e.Attribute(Model.Namespaces.Egov + "activity") == "payment-request") ?? false;
        if (!paying || view.Variables["zahlung"] is not JsonObject zahlung) return null;
        if (zahlung["status"]?.GetValue<string>() is "PAYED" or "BOOKED" or "CANCELED" or "FAILED") return null;
        return zahlung["zahlungsUrl"] is JsonValue v && v.TryGetValue<string>(out var url)
            && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri.AbsoluteUri : null;
    }

    /// <summary>Whether the version takes a payment (a <c>payment-request</c> element): the confirmation then leads to the payment page.</summary>
    internal static bool HasPayment(DeployedDefinition definition) =>
        definition.Definitions?.Processes.FirstOrDefault(p => p.Id == definition.ProcessId)?.Descendants()
            .Any(e => e.Attribute(Model.Namespaces.Egov + "activity") == "payment-request") ?? false;

    /// <summary>Puts an application's file into the new case's file, as the citizen's upload (kept as the case file keeps uploads).</summary>
    internal static void AddToCaseFile(PostkorbServices postkorb, string tenantId, string rootInstanceId, string owner, CitizenDraftFile file, byte[] content)
    {
        var a = new Persistence.Postkorb.CaseAttachment(rootInstanceId, file.Hash, file.Name, file.ContentType, file.Size, owner,
            NodaTime.SystemClock.Instance.GetCurrentInstant());
        Postkorb.CaseFileStorage.Store(postkorb.Data, postkorb.AttachmentOptions, tenantId, a, content);
    }

    private static ApiProblemException TooLarge(long length, long max) => new(StatusCodes.Status413PayloadTooLarge, "Datei zu groß",
        $"Die Datei hat {length / 1024} KB; höchstens {max / 1024} KB werden angenommen.");

    /// <summary>The file's own name without any path, control characters or quotes; "anhang" when nothing is left.</summary>
    internal static string SafeName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        var s = new string(name.Where(ch => !char.IsControl(ch) && ch is not ('"' or '/' or '\\')).ToArray()).Trim();
        return s.Length == 0 ? "anhang" : s.Length > 200 ? s[^200..] : s;
    }

    private static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
}
