using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Simulators;

/// <summary>
/// A municipality's Melderegister on loopback with the information interface the <c>melderegister-auskunft</c> activity
/// uses: <c>POST /v1/auskuenfte</c> with a bearer key and a JSON request (<c>anfrageId</c>, <c>behoerde</c>, <c>zweck</c>,
/// <c>person</c> { familienname, vornamen, geburtsdatum }, <c>anschrift</c> { strasse, postleitzahl, wohnort }); the answer
/// says only whether the person was found (<c>ergebnis</c> TREFFER / KEIN_TREFFER / MEHRDEUTIG) and, for a hit, the
/// dwelling's status at the asked address (<c>wohnung</c> { status HAUPTWOHNUNG / NEBENWOHNUNG, anschriftStimmtUeberein }) —
/// not the record. The same <c>anfrageId</c> again is answered from the log, not asked twice (idempotent); every request is
/// logged with the asking authority (§ 40 BMG). Errors: 401 without the right key, 400 for a malformed request (German
/// problem text), <see cref="Down"/> → 503, <see cref="DelayMilliseconds"/> → a slow register. Its residents are
/// <see cref="Einwohner"/> (a small sample town, "Musterstadt").
/// </summary>
public sealed class MelderegisterSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonObject> _log = new();
    private int _requests;

    private MelderegisterSimulator(WebApplication app) => _app = app;

    /// <summary>One registered person: the dwelling at an address (street with house number, postcode) and its status.</summary>
    public sealed record Einwohner(string Familienname, string Vornamen, string Strasse, string Postleitzahl, string Status, string? Geburtsdatum = null);

    /// <summary>The register's residents; tests add their own.</summary>
    public List<Einwohner> Register { get; } =
    [
        new("Mustermann", "Erika", "Rathausstraße 5", "12345", "HAUPTWOHNUNG", "1964-08-12"),
        new("Mustermann", "Erika", "Schlossstraße 9", "12345", "HAUPTWOHNUNG", "1969-02-01"),
        new("Beispiel", "Max", "Bahnhofstraße 12a", "12345", "NEBENWOHNUNG"),
        new("Schmidt", "Anna", "Parkallee 3", "12349", "HAUPTWOHNUNG"),
    ];

    public string BaseUrl { get; private set; } = "";
    public int Port { get; private set; }
    /// <summary>The key a caller must send as bearer token.</summary>
    public string ApiKey { get; set; } = "simulator-melderegister-key";
    public bool Down { get; set; }
    public int DelayMilliseconds { get; set; }
    /// <summary>HTTP requests received (retries count).</summary>
    public int Requests => _requests;
    /// <summary>The requests answered, as the register logged them (one per anfrageId).</summary>
    public IReadOnlyCollection<JsonObject> Log => _log;

    public static async Task<MelderegisterSimulator> StartAsync(int port = 0, ILoggerProvider? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null) builder.Logging.AddProvider(logging);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var sim = new MelderegisterSimulator(app);
        app.MapPost("/v1/auskuenfte", (Delegate)(Func<HttpContext, Task<IResult>>)sim.AuskunftAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        sim.BaseUrl = address.TrimEnd('/');
        sim.Port = new Uri(address).Port;
        return sim;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IResult> AuskunftAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        if (DelayMilliseconds > 0) await Task.Delay(DelayMilliseconds, http.RequestAborted).ConfigureAwait(false);
        if (Down) return Results.StatusCode(503);
        if (http.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            return Results.Problem(title: "Nicht berechtigt", detail: "Schlüssel fehlt oder ist falsch.", statusCode: 401);
        JsonObject? request;
        try { request = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false) as JsonObject; }
        catch (System.Text.Json.JsonException) { request = null; }
        if (request is null) return Bad("Die Anfrage ist kein JSON-Objekt.");
        var id = Text(request["anfrageId"]);
        if (id is null || id.Length > 64) return Bad("anfrageId fehlt oder ist länger als 64 Zeichen.");
        if (Text(request["behoerde"]) is null) return Bad("behoerde fehlt (jede Auskunft wird mit der anfragenden Stelle protokolliert).");
        var familienname = Text(request["person"]?["familienname"]);
        var strasse = Text(request["anschrift"]?["strasse"]);
        var plz = Text(request["anschrift"]?["postleitzahl"]);
        if (familienname is null || strasse is null || plz is null) return Bad("person.familienname, anschrift.strasse und anschrift.postleitzahl sind nötig.");
        if (_answers.TryGetValue(id, out var known)) return Results.Json(known);

        var vornamen = Text(request["person"]?["vornamen"]);
        var geburtsdatum = Text(request["person"]?["geburtsdatum"]);
        var persons = Register.Where(e => Same(e.Familienname, familienname) && (vornamen is null || Same(e.Vornamen, vornamen))
            && (geburtsdatum is null || e.Geburtsdatum is null || e.Geburtsdatum == geburtsdatum)).ToList();
        var atAddress = persons.Where(e => e.Postleitzahl == plz && Same(Street(e.Strasse), Street(strasse))).ToList();
        JsonObject answer;
        if (persons.Count == 0)
            answer = new JsonObject { ["anfrageId"] = id, ["ergebnis"] = "KEIN_TREFFER" };
        else if (atAddress.Count == 1)
            answer = new JsonObject { ["anfrageId"] = id, ["ergebnis"] = "TREFFER", ["wohnung"] = new JsonObject { ["status"] = atAddress[0].Status, ["anschriftStimmtUeberein"] = true } };
        else if (atAddress.Count == 0 && persons.Select(p => (p.Vornamen, p.Geburtsdatum)).Distinct().Count() == 1)
            answer = new JsonObject { ["anfrageId"] = id, ["ergebnis"] = "TREFFER", ["wohnung"] = new JsonObject { ["status"] = null, ["anschriftStimmtUeberein"] = false } };
        else
            answer = new JsonObject { ["anfrageId"] = id, ["ergebnis"] = "MEHRDEUTIG" };
        if (_answers.TryAdd(id, answer))
            _log.Enqueue(new JsonObject { ["anfrageId"] = id, ["behoerde"] = request["behoerde"]!.DeepClone(), ["zweck"] = request["zweck"]?.DeepClone(), ["ergebnis"] = answer["ergebnis"]!.DeepClone() });
        return Results.Json(_answers[id]);
    }

    private static IResult Bad(string detail) => Results.Problem(title: "Anfrage fehlerhaft", detail: detail, statusCode: 400);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>"Bahnhofstr. 12 a" and "Bahnhofstraße 12a" are the same street and number.</summary>
    private static string Street(string s)
    {
        var t = s.ToLowerInvariant().Replace("str.", "straße", StringComparison.Ordinal).Replace("strasse", "straße", StringComparison.Ordinal);
        return string.Concat(t.Where(c => !char.IsWhiteSpace(c)));
    }
}
