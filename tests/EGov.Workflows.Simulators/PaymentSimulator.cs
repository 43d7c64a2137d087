using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Simulators;

/// <summary>
/// An e-payment platform on loopback that speaks XBezahldienste 1.0 over HTTP (ePayBL / pmPayment style):
/// <c>POST /paymenttransaction/{originatorId}/{endPointId}</c> creates a payment (checks EUR, the items' sum, the
/// purpose's 27 characters; the same requestId again answers the same transaction), <c>GET …/{transactionId}</c> tells its
/// status, <c>DELETE …/{transactionId}</c> cancels an open one, <c>POST …/{transactionId}/refund</c> refunds (part of) a
/// paid one (idempotent by its requestId; never more than was paid), <c>POST /auth/token</c> issues client-credentials tokens
/// (required when <see cref="ClientId"/> is set). A citizen pays on <c>GET /pay/{transactionId}</c> (a small German page
/// with "Jetzt bezahlen" and "Abbrechen"); then the platform sends the signed notification (header
/// <c>X-Payment-Signature: t=…,v1=HMAC-SHA256(secret, t + "." + body)</c>) to <see cref="NotifyUrl"/> — before it redirects
/// the browser — and redirects to the request's redirectUrl. Failure modes: <see cref="Down"/> (503 to everything),
/// <see cref="Declined"/> (paying ends FAILED), <see cref="DuplicateNotifications"/>, <see cref="SuppressNotifications"/>
/// (the engine must poll), <see cref="DelayMilliseconds"/> (a slow platform), <see cref="PaidStatus"/> (PAYED or BOOKED).
/// </summary>
public sealed partial class PaymentSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Transaction> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Transaction> _byRequest = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SentNotification> _sent = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private int _requests;

    private PaymentSimulator(WebApplication app) => _app = app;

    /// <summary>Base URL of the API, e.g. <c>http://127.0.0.1:5301</c>.</summary>
    public string BaseUrl { get; private set; } = "";
    public int Port { get; private set; }

    /// <summary>The shared notification secret (the tenant's <c>NotificationSecret</c>).</summary>
    public string Secret { get; set; } = "simulator-notification-secret";
    /// <summary>Where notifications go, e.g. <c>http://localhost:8080/api/callbacks/default/payment/notify</c>; null: none sent (unless <see cref="Deliver"/>).</summary>
    public string? NotifyUrl { get; set; }
    /// <summary>Instead of HTTP: hands each notification (body, signature header) to this function, which returns the HTTP status (tests).</summary>
    public Func<string, string, Task<int>>? Deliver { get; set; }
    /// <summary>When set, the API needs a bearer token from <c>POST /auth/token</c> with this client id and <see cref="ClientSecret"/>.</summary>
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public bool Down { get; set; }
    public bool Declined { get; set; }
    public bool DuplicateNotifications { get; set; }
    public bool SuppressNotifications { get; set; }
    public int DelayMilliseconds { get; set; }
    /// <summary>The word for "paid" in status answers: PAYED (default) or BOOKED.</summary>
    public string PaidStatus { get; set; } = "PAYED";
    /// <summary>A paid amount different from the request (a provider error the engine must not accept); null: the requested one.</summary>
    public decimal? ReportedAmount { get; set; }

    /// <summary>The platform's clock for the notifications' signed timestamps (tests give the engine's).</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>How many API requests arrived (every retry counts).</summary>
    public int Requests => Volatile.Read(ref _requests);
    public IReadOnlyList<SentNotification> Notifications => _sent.ToArray();
    public IReadOnlyCollection<Transaction> Transactions => _byId.Values.ToList();

    public static async Task<PaymentSimulator> StartAsync(int port = 0, ILoggerProvider? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null) builder.Logging.AddProvider(logging);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var sim = new PaymentSimulator(app);
        sim.Map(app);
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
        _http.Dispose();
    }

    /// <summary>The citizen pays (or, with <see cref="Declined"/>, the payment fails); the notification goes out. Returns the redirect URL.</summary>
    public Task<string?> PayAsync(string transactionId) => FinishAsync(transactionId, Declined ? "FAILED" : PaidStatus);

    /// <summary>The citizen cancels on the payment page.</summary>
    public Task<string?> CancelByCitizenAsync(string transactionId) => FinishAsync(transactionId, "CANCELED");

    /// <summary>Sends the transaction's current notification again (a provider retrying, or a replay test).</summary>
    public Task<int> NotifyAsync(string transactionId) => SendNotificationAsync(_byId[transactionId]);

    private async Task<string?> FinishAsync(string transactionId, string status)
    {
        var t = _byId.TryGetValue(transactionId, out var found) ? found : throw new KeyNotFoundException($"no transaction {transactionId}");
        lock (t)
        {
            if (t.Status != "INITIAL") return t.RedirectUrl;
            t.Status = status;
            t.PaymentMethod = status == "CANCELED" ? null : "CREDITCARD";
        }
        if (!SuppressNotifications)
        {
            await SendNotificationAsync(t).ConfigureAwait(false);
            if (DuplicateNotifications) await SendNotificationAsync(t).ConfigureAwait(false);
        }
        return t.RedirectUrl;
    }

    private async Task<int> SendNotificationAsync(Transaction t)
    {
        var body = new JsonObject
        {
            ["requestId"] = t.RequestId, ["transactionId"] = t.Id, ["status"] = t.Status,
            ["grosAmount"] = ReportedAmount ?? t.Amount, ["currency"] = "EUR",
        }.ToJsonString();
        var signature = Sign(Secret, Clock(), body);
        int status;
        if (Deliver is { } deliver) status = await deliver(body, signature).ConfigureAwait(false);
        else if (NotifyUrl is { } url)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Payment-Signature", signature);
                using var response = await _http.SendAsync(request).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (HttpRequestException) { status = 0; }
        }
        else status = 0;
        _sent.Enqueue(new SentNotification(t.Id, t.Status, body, status));
        return status;
    }

    /// <summary>The signature header as the platform computes it: <c>t=UNIX,v1=hex(HMAC-SHA256(secret, t + "." + body))</c>.</summary>
    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private void Map(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/pay")) Interlocked.Increment(ref _requests);
            if (DelayMilliseconds > 0) await Task.Delay(DelayMilliseconds, http.RequestAborted).ConfigureAwait(false);
            if (Down) { http.Response.StatusCode = 503; return; }
            await next(http).ConfigureAwait(false);
        });
        app.MapPost("/auth/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync().ConfigureAwait(false);
            if (form["grant_type"] != "client_credentials" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            return Results.Json(new { access_token = _token, token_type = "Bearer", expires_in = 3600 });
        });
        app.MapGet("/status/{o}/{e}", (HttpContext http) => Authorized(http) ?? Results.Json(new { status = "UP" }));
        app.MapPost("/paymenttransaction/{o}/{e}", async (HttpContext http, string o, string e) =>
        {
            if (Authorized(http) is { } denied) return denied;
            JsonObject? body;
            try { body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false) as JsonObject; }
            catch (JsonException) { body = null; }
            if (body is null) return Problem(400, "VALIDATION_ERROR", "Der Inhalt ist kein JSON-Objekt.");
            if (!IdPattern().IsMatch(o) || !IdPattern().IsMatch(e)) return Problem(404, "NO_VALID_ORIGINATOR_OR_ENDPOINT", "Unbekannter Absender oder Endpunkt.");
            var requestId = body["requestId"]?.GetValue<string>();
            if (requestId is null || !IdPattern().IsMatch(requestId)) return Problem(400, "VALIDATION_ERROR", "requestId fehlt oder ist ungültig.");
            if (body["currency"]?.GetValue<string>() != "EUR") return Problem(400, "VALIDATION_ERROR", "Nur die Währung EUR ist zulässig.");
            var amount = Decimal(body["grosAmount"]);
            if (amount is not > 0 || amount > 999999) return Problem(400, "VALIDATION_ERROR", "grosAmount fehlt oder ist ungültig.");
            var items = body["items"] as JsonArray;
            if (items is null || items.Count is 0 or > 99) return Problem(400, "VALIDATION_ERROR", "items: 1 bis 99 Positionen.");
            if (items.Sum(i => Decimal(i?["totalNetAmount"]) + Decimal(i?["totalTaxAmount"]) ?? 0) != amount)
                return Problem(400, "CALCULATION_ERROR", "grosAmount ist nicht die Summe der Positionen.");
            var purpose = body["purpose"]?.GetValue<string>() ?? "";
            if (purpose.Length is 0 or > 27 || !PurposePattern().IsMatch(purpose)) return Problem(400, "VALIDATION_ERROR", "purpose: 1 bis 27 Zeichen aus Buchstaben, Ziffern, Leerzeichen und '-'.");
            var fresh = new Transaction
            {
                Id = Guid.NewGuid().ToString("N")[..20], RequestId = requestId, Originator = o, Endpoint = e, Amount = amount.Value, Purpose = purpose,
                RedirectUrl = body["redirectUrl"]?.GetValue<string>(), Request = body, Reference = "KZ-" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
                Created = DateTimeOffset.UtcNow,
            };
            var t = _byRequest.GetOrAdd(requestId, fresh);
            if (!ReferenceEquals(t, fresh))
                return t.Amount == amount ? Results.Json(View(t, http), statusCode: 200) : Problem(409, "PAYMENT_EXISTS", "Zu dieser requestId gibt es bereits eine andere Zahlung.");
            _byId[t.Id] = t;
            return Results.Json(View(t, http), statusCode: 201);
        });
        app.MapGet("/paymenttransaction/{o}/{e}/{id}", (HttpContext http, string id) =>
            Authorized(http) ?? (_byId.TryGetValue(id, out var t) ? Results.Json(View(t, http)) : Problem(404, "UNSPECIFIED", "Unbekannte Transaktion.")));
        app.MapDelete("/paymenttransaction/{o}/{e}/{id}", (HttpContext http, string id) =>
        {
            if (Authorized(http) is { } denied) return denied;
            if (!_byId.TryGetValue(id, out var t)) return Problem(404, "UNSPECIFIED", "Unbekannte Transaktion.");
            lock (t)
            {
                if (t.Status != "INITIAL") return Problem(409, "UNSPECIFIED", $"Die Zahlung ist bereits abgeschlossen ({t.Status}).");
                t.Status = "CANCELED";
            }
            return Results.Json(View(t, http));
        });
        app.MapPost("/paymenttransaction/{o}/{e}/{id}/refund", async (HttpContext http, string id) =>
        {
            if (Authorized(http) is { } denied) return denied;
            if (!_byId.TryGetValue(id, out var t)) return Problem(404, "UNSPECIFIED", "Unbekannte Transaktion.");
            JsonObject? body;
            try { body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false) as JsonObject; }
            catch (JsonException) { body = null; }
            var requestId = body?["requestId"]?.GetValue<string>();
            var amount = Decimal(body?["grosAmount"]);
            if (requestId is null || !IdPattern().IsMatch(requestId) || amount is not > 0 || body?["currency"]?.GetValue<string>() != "EUR")
                return Problem(400, "VALIDATION_ERROR", "requestId, grosAmount (> 0) und currency EUR sind nötig.");
            lock (t)
            {
                if (t.Refunds.TryGetValue(requestId, out var earlier))
                    return earlier == amount ? Results.Json(View(t, http)) : Problem(409, "PAYMENT_EXISTS", "Zu dieser requestId gibt es bereits eine andere Erstattung.");
                if (t.Status is not ("PAYED" or "BOOKED" or "PARTIALLY_REFUNDED")) return Problem(409, "UNSPECIFIED", $"Die Zahlung ist nicht bezahlt ({t.Status}).");
                if (t.Refunded + amount.Value > t.Amount) return Problem(422, "CALCULATION_ERROR", $"Es sind nur noch {(t.Amount - t.Refunded).ToString("0.00", CultureInfo.InvariantCulture)} EUR erstattbar.");
                t.Refunds[requestId] = amount.Value;
                t.Refunded += amount.Value;
                t.Status = t.Refunded == t.Amount ? "REFUNDED" : "PARTIALLY_REFUNDED";
            }
            return Results.Json(View(t, http));
        });
        app.MapGet("/pay/{id}", (string id) => _byId.TryGetValue(id, out var t) ? Results.Content(Page(t), "text/html; charset=utf-8") : Results.NotFound());
        app.MapPost("/pay/{id}", async (HttpContext http, string id) =>
        {
            if (!_byId.ContainsKey(id)) return Results.NotFound();
            var form = await http.Request.ReadFormAsync().ConfigureAwait(false);
            var back = form["action"] == "cancel" ? await CancelByCitizenAsync(id).ConfigureAwait(false) : await PayAsync(id).ConfigureAwait(false);
            return back is { Length: > 0 } url ? Results.Redirect(url) : Results.Content(Page(_byId[id]), "text/html; charset=utf-8");
        });
    }

    private IResult? Authorized(HttpContext http) =>
        ClientId is null || http.Request.Headers.Authorization.ToString() == "Bearer " + _token ? null : Problem(401, "FORBIDDEN", "Kein gültiges Token.");

    private static decimal? Decimal(JsonNode? n) =>
        n is JsonValue v && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private JsonObject View(Transaction t, HttpContext http)
    {
        var request = (JsonObject)t.Request.DeepClone();
        if (ReportedAmount is { } reported && t.Status == PaidStatus) request["grosAmount"] = reported;
        var self = $"{http.Request.Scheme}://{http.Request.Host}";
        return new JsonObject
        {
            ["paymentRequest"] = request,
            ["paymentInformation"] = new JsonObject
            {
                ["transactionUrl"] = $"{self}/paymenttransaction/{t.Originator}/{t.Endpoint}/{t.Id}",
                ["transactionRedirectUrl"] = $"{self}/pay/{t.Id}",
                ["transactionId"] = t.Id, ["transactionReference"] = t.Reference,
                ["transactionTimestamp"] = t.Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["paymentMethod"] = t.PaymentMethod, ["status"] = t.Status,
                ["refundedAmount"] = t.Refunded > 0 ? t.Refunded : null,
            },
        };
    }

    private static IResult Problem(int status, string code, string text) =>
        Results.Json(new { type = "about:blank", title = code, status, code, functionalText = text }, statusCode: status, contentType: "application/problem+json");

    private static string Page(Transaction t)
    {
        Func<string?, string?> e = System.Net.WebUtility.HtmlEncode;
        var amount = t.Amount.ToString("0.00", CultureInfo.InvariantCulture).Replace('.', ',');
        var body = t.Status == "INITIAL"
            ? $"""<form method="post"><button name="action" value="pay">Jetzt bezahlen</button> <button name="action" value="cancel">Abbrechen</button></form>"""
            : $"<p role=\"status\">Status: {e(t.Status)}</p>";
        return $"""
            <!doctype html><html lang="de"><head><meta charset="utf-8"><title>Zahlung {e(t.Id)} – Bezahldienst-Simulator</title></head>
            <body><main><h1>Bezahldienst-Simulator</h1><p>Verwendungszweck: {e(t.Purpose)}</p><p>Betrag: {amount} EUR</p>
            <p>Kassenzeichen: {e(t.Reference)}</p>{body}</main></body></html>
            """;
    }

    [GeneratedRegex(@"^[\w-]{1,36}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[\w\s-]+$")]
    private static partial Regex PurposePattern();

    /// <summary>One payment at the platform.</summary>
    public sealed class Transaction
    {
        public required string Id { get; init; }
        public required string RequestId { get; init; }
        public required string Originator { get; init; }
        public required string Endpoint { get; init; }
        public required decimal Amount { get; init; }
        public required string Purpose { get; init; }
        public string? RedirectUrl { get; init; }
        public required string Reference { get; init; }
        public required JsonObject Request { get; init; }
        public DateTimeOffset Created { get; init; }
        public string Status { get; set; } = "INITIAL";
        public string? PaymentMethod { get; set; }
        /// <summary>What was refunded so far, and each refund by its request id.</summary>
        public decimal Refunded { get; set; }
        public Dictionary<string, decimal> Refunds { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A notification the platform sent, with the HTTP status it got back (0: none).</summary>
    public sealed record SentNotification(string TransactionId, string Status, string Body, int Answer);
}
