using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Melderegister;

/// <summary>
/// <c>melderegister-auskunft</c>: asks the municipality's Melderegister whether the person is registered at the address
/// the application gives, and with which kind of dwelling (Hauptwohnung/Nebenwohnung). Data economy: the register
/// answers yes/no and the dwelling's status, not the person's record. The request carries an id derived from tenant,
/// instance and element (a retried or repeated call is the same request; the register answers it once). The answer is
/// the variable <c>melderegister</c> (<c>ergebnis</c> TREFFER / KEIN_TREFFER / MEHRDEUTIG, <c>wohnungsstatus</c>,
/// <c>anschriftStimmtUeberein</c>, <c>hauptwohnsitzAnAnschrift</c>, <c>anfrageId</c>, <c>auskunftAm</c>): a hint for the
/// clerk, never a decision (§ 35a VwVfG). A register that cannot be reached (after retries with back-off), refuses the
/// key or the request, or answers nonsense is a technical failure: the engine retries, then an incident.
/// </summary>
[Activity("melderegister-auskunft", Title = "Melderegister abfragen", Description = "Wohnsitz der antragstellenden Person im Melderegister prüfen (Hauptwohnung an der angegebenen Anschrift)")]
public sealed class MelderegisterAuskunftActivity(
    IOptionsMonitor<MelderegisterOptions> options, IHttpClientFactory http, ILogger<MelderegisterAuskunftActivity> logger) : WorkflowActivity
{
    /// <summary>The named HTTP client (with the resilience pipeline).</summary>
    public const string ClientName = "egov-melderegister";

    /// <summary>The answers the register gives.</summary>
    public static readonly IReadOnlySet<string> Ergebnisse = new HashSet<string>(StringComparer.Ordinal) { "TREFFER", "KEIN_TREFFER", "MEHRDEUTIG" };

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("person", ActivityValueType.Object, Required: true, "{ name } oder { vornamen, familienname }, optional geburtsdatum (JJJJ-MM-TT)"),
        new("anschrift", ActivityValueType.Object, Required: true, "{ strasse (mit Hausnummer), plz, ort }"),
        new("zweck", ActivityValueType.String, Description: "Zweck der Abfrage für das Protokoll des Registers (Standard: Name der Aufgabe)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("melderegister", ActivityValueType.Object, Description: "{ ergebnis, wohnungsstatus, anschriftStimmtUeberein, hauptwohnsitzAnAnschrift, anfrageId, auskunftAm }"),
    ];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        var (request, problem) = Request(context, o);
        if (request is null) return ActivityResult.Fail(problem!);
        if (o.Provider == MelderegisterProviderKind.Offline)
            return ActivityResult.Wait("Melderegisterauskunft (offline: die Antwort kommt mit complete)", null);
        if (string.IsNullOrWhiteSpace(o.BaseUrl)) return ActivityResult.Fail($"melderegister-auskunft: the setting Packs:Melderegister:BaseUrl (or Tenants:{context.TenantId}:Melderegister:BaseUrl) is missing");
        if (!Uri.TryCreate(o.BaseUrl.TrimEnd('/') + "/v1/auskuenfte", UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
            return ActivityResult.Fail("melderegister-auskunft: the setting Packs:Melderegister:BaseUrl is no http(s) URL");
        if (string.IsNullOrWhiteSpace(o.ApiKey)) return ActivityResult.Fail($"melderegister-auskunft: the setting Packs:Melderegister:ApiKey (or Tenants:{context.TenantId}:Melderegister:ApiKey) is missing");

        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(request) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
        message.Headers.Add("Idempotency-Key", (string)request["anfrageId"]!);
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(ClientName).SendAsync(message, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            return ActivityResult.Fail($"melderegister-auskunft: the register at {url.GetLeftPart(UriPartial.Authority)} could not be reached: {e.Message}");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(context.CancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return ActivityResult.Fail($"melderegister-auskunft: the register refused the key of tenant '{context.TenantId}' ({(int)response.StatusCode}); check Packs:Melderegister:ApiKey");
            if (!response.IsSuccessStatusCode)
                return ActivityResult.Fail($"melderegister-auskunft: the register answered {(int)response.StatusCode}: {Short(body)}");
            JsonNode? answer;
            try { answer = JsonNode.Parse(body); }
            catch (JsonException) { return ActivityResult.Fail($"melderegister-auskunft: the register's answer is no JSON: {Short(body)}"); }
            if (answer?["anfrageId"]?.GetValueKind() == JsonValueKind.String && (string)answer["anfrageId"]! != (string)request["anfrageId"]!)
                return ActivityResult.Fail($"melderegister-auskunft: the register answered request {(string)answer["anfrageId"]!}, not {(string)request["anfrageId"]!}");
            return Decide(context, (string)request["anfrageId"]!, answer);
        }
    }

    /// <summary>Offline: the scenario's <c>complete:</c> gives the register's answer (<c>ergebnis</c>, <c>wohnungsstatus</c>, <c>anschriftStimmtUeberein</c>).</summary>
    public override Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload)
    {
        var o = options.Get(context.TenantId);
        if (o.Provider != MelderegisterProviderKind.Offline) return ExecuteAsync(context);
        var answer = payload?["wohnung"] is null && payload is JsonObject p
            ? new JsonObject { ["ergebnis"] = p["ergebnis"]?.DeepClone(), ["wohnung"] = new JsonObject { ["status"] = p["wohnungsstatus"]?.DeepClone(), ["anschriftStimmtUeberein"] = p["anschriftStimmtUeberein"]?.DeepClone() } }
            : payload;
        return Task.FromResult(Decide(context, AnfrageId(context), answer));
    }

    private ActivityResult Decide(ActivityContext context, string anfrageId, JsonNode? answer)
    {
        var ergebnis = answer?["ergebnis"] is JsonValue e && e.TryGetValue<string>(out var s) ? s : null;
        if (ergebnis is null || !Ergebnisse.Contains(ergebnis))
            return ActivityResult.Fail($"melderegister-auskunft: the register's answer has no ergebnis TREFFER, KEIN_TREFFER or MEHRDEUTIG (found {answer?["ergebnis"]?.ToJsonString() ?? "nothing"})");
        var status = answer?["wohnung"]?["status"] is JsonValue st && st.TryGetValue<string>(out var t) ? t : null;
        if (status is not (null or "HAUPTWOHNUNG" or "NEBENWOHNUNG"))
            return ActivityResult.Fail($"melderegister-auskunft: unknown wohnung.status '{status}' (expected HAUPTWOHNUNG or NEBENWOHNUNG)");
        var passt = answer?["wohnung"]?["anschriftStimmtUeberein"] is JsonValue a && a.TryGetValue<bool>(out var b) && b;
        var treffer = ergebnis == "TREFFER";
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("melderegister-auskunft: request {AnfrageId} answered {Ergebnis}", anfrageId, ergebnis);
        return ActivityResult.Complete(new JsonObject
        {
            ["melderegister"] = new JsonObject
            {
                ["ergebnis"] = ergebnis,
                ["wohnungsstatus"] = treffer ? status : null,
                ["anschriftStimmtUeberein"] = treffer && passt,
                ["hauptwohnsitzAnAnschrift"] = treffer && passt && status == "HAUPTWOHNUNG",
                ["anfrageId"] = anfrageId,
                ["auskunftAm"] = context.Now.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
            },
        });
    }

    /// <summary>The request the register gets, or why the inputs do not make one.</summary>
    private static (JsonObject? Request, string? Problem) Request(ActivityContext context, MelderegisterOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Behoerde)) return (null, $"melderegister-auskunft: the setting Packs:Melderegister:Behoerde (or Tenants:{context.TenantId}:Melderegister:Behoerde) is missing");
        if (context.Input("person") is not JsonObject person) return (null, "melderegister-auskunft: the input 'person' is missing or no object ({ name } or { vornamen, familienname })");
        if (context.Input("anschrift") is not JsonObject anschrift) return (null, "melderegister-auskunft: the input 'anschrift' is missing or no object ({ strasse, plz, ort })");
        var familienname = Text(person["familienname"]) ?? Text(person["nachname"]);
        var vornamen = Text(person["vornamen"]) ?? Text(person["vorname"]);
        if (familienname is null && Text(person["name"]) is { } name)
        {
            var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            familienname = parts[^1];
            vornamen ??= parts.Length > 1 ? string.Join(' ', parts[..^1]) : null;
        }
        if (familienname is null) return (null, "melderegister-auskunft: the input 'person' names nobody (name or familienname)");
        var strasse = Text(anschrift["strasse"]);
        var plz = Text(anschrift["plz"]);
        if (strasse is null || plz is null) return (null, "melderegister-auskunft: the input 'anschrift' needs strasse and plz");
        if (plz.Length != 5 || !plz.All(char.IsAsciiDigit)) return (null, $"melderegister-auskunft: the postcode '{plz}' is no German postcode (five digits)");
        var geburtsdatum = Text(person["geburtsdatum"]);
        if (geburtsdatum is not null && !DateOnly.TryParseExact(geburtsdatum, "yyyy-MM-dd", out _)) return (null, $"melderegister-auskunft: geburtsdatum '{geburtsdatum}' is no date (JJJJ-MM-TT)");
        return (new JsonObject
        {
            ["anfrageId"] = AnfrageId(context),
            ["behoerde"] = o.Behoerde,
            ["zweck"] = context.GetString("zweck") ?? context.ActivityName,
            ["aktenzeichen"] = context.BusinessKey,
            ["person"] = new JsonObject { ["familienname"] = familienname, ["vornamen"] = vornamen, ["geburtsdatum"] = geburtsdatum },
            ["anschrift"] = new JsonObject { ["strasse"] = strasse, ["postleitzahl"] = plz, ["wohnort"] = Text(anschrift["ort"]) },
        }, null);
    }

    /// <summary>The request's id: the same for every try of this task in this case (tenant, instance, element).</summary>
    public static string AnfrageId(ActivityContext context) =>
        "MR-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{context.TenantId}\n{context.ProcessInstanceId}\n{context.ElementId}")))[..24].ToLowerInvariant();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private static string Short(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
