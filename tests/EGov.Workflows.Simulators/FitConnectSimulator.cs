using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jose;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Simulators;

/// <summary>
/// FIT-Connect on loopback: the OAuth token endpoint (client credentials) and the parts of the Submission API a sender and
/// a subscriber use — destinations and their public keys, announcing a submission, uploading encrypted attachments,
/// submitting encrypted metadata and data, listing and fetching submissions, the case's event log — with RFC 9457
/// problems as the API answers them. It holds the destination's private key (RSA 4096, generated at start): every
/// submission is decrypted, its metadata checked against the FIT-Connect metadata schema and the SHA-512 hashes of the
/// data and each attachment compared — what the receiving authority does; the findings are in <see cref="Submission.Problems"/>.
/// </summary>
public sealed class FitConnectSimulator : IAsyncDisposable
{
    public const string ProblemPrefix = "https://schema.fitko.de/fit-connect/submission-api/problems/";
    private readonly WebApplication _app;
    private readonly RSA _key;
    private readonly JsonSchema? _metadataSchema;
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Submission> _submissions = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _idempotency = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _events = new(StringComparer.OrdinalIgnoreCase);
    private int _requests;
    /// <summary>One RSA 4096 key per process: generating one takes seconds on a busy machine.</summary>
    private static readonly Lazy<RSA> SharedKey = new(() => RSA.Create(4096));

    /// <summary>One submission as the simulator holds it, and what the receiving side found when it decrypted it.</summary>
    public sealed class Submission
    {
        public required string SubmissionId { get; init; }
        public required string CaseId { get; init; }
        public required string DestinationId { get; init; }
        public required string ServiceIdentifier { get; init; }
        public required IReadOnlyList<string> AnnouncedAttachments { get; init; }
        public ConcurrentDictionary<string, string> EncryptedAttachments { get; } = new(StringComparer.OrdinalIgnoreCase);
        public string? EncryptedMetadata { get; set; }
        public string? EncryptedData { get; set; }
        public string Status { get; set; } = "incomplete";
        public JsonObject? Metadata { get; set; }
        public string? Data { get; set; }
        public Dictionary<string, byte[]> Attachments { get; } = new(StringComparer.OrdinalIgnoreCase);
        public List<string> Problems { get; } = [];
    }

    private FitConnectSimulator(WebApplication app, RSA key, JsonSchema? metadataSchema, int port)
    {
        _app = app;
        _key = key;
        _metadataSchema = metadataSchema;
        Port = port;
        PublicJwk = new JsonObject
        {
            ["kty"] = "RSA", ["kid"] = Kid, ["alg"] = "RSA-OAEP-256", ["key_ops"] = new JsonArray("wrapKey"),
            ["n"] = Base64Url.Encode(key.ExportParameters(false).Modulus!), ["e"] = Base64Url.Encode(key.ExportParameters(false).Exponent!),
        };
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string TokenUrl => $"{BaseUrl}/token";
    /// <summary>The destination (Zustellpunkt) this simulator receives for.</summary>
    public string DestinationId { get; } = "7b1e3a52-2c4f-4d0e-9b61-0a5f3c2d8e11";
    /// <summary>The Leistungen the destination accepts.</summary>
    public List<string> Services { get; } = ["urn:de:fim:leika:leistung:99108001000000"];
    public string Kid { get; } = "egov-sim-" + Guid.NewGuid().ToString("N")[..8];
    public JsonObject PublicJwk { get; }
    /// <summary>The destination's private key (for a subscriber's tests).</summary>
    public RSA PrivateKey => _key;
    public string ClientId { get; set; } = "egov-sender";
    public string ClientSecret { get; set; } = "egov-sender-secret";
    /// <summary>Answer every request with 503.</summary>
    public bool Unavailable { get; set; }
    /// <summary>The destination's state (<c>active</c>, <c>inactive</c>, …).</summary>
    public string DestinationStatus { get; set; } = "active";
    /// <summary>Requests received on /v1 and /token.</summary>
    public int Requests => Volatile.Read(ref _requests);
    public IReadOnlyList<Submission> Submissions => _submissions.Values.OrderBy(s => s.SubmissionId, StringComparer.Ordinal).ToList();
    /// <summary>Raised when a submission has been submitted and checked.</summary>
    public event Action<Submission>? Submitted;

    /// <summary>Starts on <paramref name="port"/> (0: a free port); the metadata schema from <paramref name="metadataSchemaFile"/> when given.</summary>
    public static FitConnectSimulator Start(string? metadataSchemaFile = null, int port = 0)
    {
        port = port == 0 ? SmtpSimulator.FreePort() : port;
        var schema = metadataSchemaFile is not null && File.Exists(metadataSchemaFile) ? JsonSchema.FromText(File.ReadAllText(metadataSchemaFile), new BuildOptions { SchemaRegistry = new SchemaRegistry() }) : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sim = new FitConnectSimulator(app, SharedKey.Value, schema, port);
        app.Use(async (ctx, next) =>
        {
            Interlocked.Increment(ref sim._requests);
            if (sim.Unavailable) { ctx.Response.StatusCode = 503; return; }
            if (ctx.Request.Path.StartsWithSegments("/v1"))
            {
                var auth = ctx.Request.Headers.Authorization.ToString();
                if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !sim._tokens.ContainsKey(auth[7..]))
                {
                    await Problem(ctx, 401, "unauthorized", "Unauthorized", "kein gültiges Zugriffstoken").ConfigureAwait(false);
                    return;
                }
            }
            await next(ctx).ConfigureAwait(false);
        });
        app.MapPost("/token", sim.TokenAsync);
        app.MapGet("/v1/destinations/{id}", sim.Destination);
        app.MapGet("/v1/destinations/{id}/keys/{kid}", sim.Key);
        app.MapPost("/v1/submissions", sim.AnnounceAsync);
        app.MapPut("/v1/submissions/{id}/attachments/{attachmentId}", sim.UploadAsync);
        app.MapPut("/v1/submissions/{id}", sim.SubmitAsync);
        app.MapGet("/v1/submissions", sim.List);
        app.MapGet("/v1/submissions/{id}", sim.Get);
        app.MapGet("/v1/submissions/{id}/attachments/{attachmentId}", sim.Attachment);
        app.MapPost("/v1/cases/{caseId}/events", sim.PostEventAsync);
        app.MapGet("/v1/cases/{caseId}/events", sim.EventLog);
        app.StartAsync().GetAwaiter().GetResult();
        return sim;
    }

    /// <summary>The FIT-Connect metadata schema of the shared corpus, found from the working or the base directory upwards, or null.</summary>
    public static string? FindCorpusMetadataSchema()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "corpora", "fit-connect", "schemas", "metadata.schema.v1.0.0.json");
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Replaces a submitted submission's encrypted data (a Zustelldienst or a man in the middle exchanging it).</summary>
    public void ReplaceEncryptedData(string submissionId, string jwe) => _submissions[submissionId].EncryptedData = jwe;

    /// <summary>Replaces a submitted submission's encrypted metadata.</summary>
    public void ReplaceEncryptedMetadata(string submissionId, string jwe) => _submissions[submissionId].EncryptedMetadata = jwe;

    /// <summary>Puts an accepted or rejected submission back into the list of waiting ones (as if its confirmation had been lost).</summary>
    public void ForgetConfirmation(string submissionId) => _submissions[submissionId].Status = "submitted";

    /// <summary>The submissions waiting to be fetched (submitted, neither accepted nor rejected).</summary>
    public IReadOnlyList<Submission> Waiting => _submissions.Values.Where(s => s.Status == "submitted").ToList();

    /// <summary>The event log of a case (signed SETs as posted).</summary>
    public IReadOnlyList<string> Events(string caseId) => _events.TryGetValue(caseId, out var q) ? q.ToArray() : [];

    private static Task Problem(HttpContext ctx, int status, string type, string title, string detail)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/problem+json";
        return ctx.Response.WriteAsync(new JsonObject { ["type"] = ProblemPrefix + type, ["title"] = title, ["status"] = status, ["detail"] = detail }.ToJsonString());
    }

    private static IResult ProblemResult(int status, string type, string title, string detail) =>
        Results.Text(new JsonObject { ["type"] = ProblemPrefix + type, ["title"] = title, ["status"] = status, ["detail"] = detail }.ToJsonString(),
            "application/problem+json", Encoding.UTF8, status);

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return Results.Json(new { error = "invalid_request" }, statusCode: 400);
        var form = await request.ReadFormAsync().ConfigureAwait(false);
        if (form["grant_type"] != "client_credentials") return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = 0;
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 1800, scope = $"send:destination:{DestinationId}" });
    }

    private bool Known(string id) => string.Equals(id, DestinationId, StringComparison.OrdinalIgnoreCase);

    private IResult Destination(string id) => !Known(id)
        ? ProblemResult(404, "destination-not-found", "Destination not found", $"Zustellpunkt {id} existiert nicht")
        : Results.Json(new JsonObject
        {
            ["destinationId"] = DestinationId, ["status"] = DestinationStatus, ["encryptionKid"] = Kid,
            ["services"] = new JsonArray(Services.Select(s => (JsonNode)new JsonObject
            {
                ["identifier"] = s, ["submissionSchemas"] = new JsonArray(), ["regions"] = new JsonArray("DE06411"),
            }).ToArray()),
        });

    private IResult Key(string id, string kid) => !Known(id) || kid != Kid
        ? ProblemResult(404, "key-not-found", "Key not found", $"Schlüssel {kid} gibt es für Zustellpunkt {id} nicht")
        : Results.Json(PublicJwk);

    private async Task<IResult> AnnounceAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false) as JsonObject;
        var destination = (string?)body?["destinationId"] ?? "";
        if (!Known(destination)) return ProblemResult(404, "destination-not-found", "Destination not found", $"Zustellpunkt {destination} existiert nicht");
        if (DestinationStatus != "active") return ProblemResult(422, "destination-state-invalid", "Destination state invalid", "der Zustellpunkt ist nicht aktiv");
        var service = (string?)body!["serviceType"]?["identifier"] ?? "";
        if (!Services.Contains(service)) return ProblemResult(422, "service-type-not-matching", "Service type not matching", $"der Zustellpunkt nimmt {service} nicht an");
        var announced = (body["announcedAttachments"] as JsonArray ?? []).Select(a => (string?)a ?? "").ToList();
        if (announced.Any(a => !Guid.TryParse(a, out _)) || announced.Distinct(StringComparer.OrdinalIgnoreCase).Count() != announced.Count)
            return ProblemResult(400, "request-body-invalid", "Request body invalid", "announcedAttachments: eindeutige UUIDs erwartet");
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 0 && _idempotency.TryGetValue(key, out var earlier)) return Created(_submissions[earlier]);
        var s = new Submission
        {
            SubmissionId = Guid.NewGuid().ToString("D"),
            CaseId = (string?)body["caseId"] is { } existingCase && _submissions.Values.Any(x => string.Equals(x.CaseId, existingCase, StringComparison.OrdinalIgnoreCase))
                ? existingCase : Guid.NewGuid().ToString("D"),
            DestinationId = DestinationId,
            ServiceIdentifier = service, AnnouncedAttachments = announced,
        };
        _submissions[s.SubmissionId] = s;
        if (key.Length > 0 && !_idempotency.TryAdd(key, s.SubmissionId)) { _submissions.TryRemove(s.SubmissionId, out _); return Created(_submissions[_idempotency[key]]); }
        return Created(s);
    }

    private static IResult Created(Submission s) =>
        Results.Json(new { destinationId = s.DestinationId, submissionId = s.SubmissionId, caseId = s.CaseId }, statusCode: 201);

    private async Task<IResult> UploadAsync(string id, string attachmentId, HttpRequest request)
    {
        if (!_submissions.TryGetValue(id, out var s)) return ProblemResult(404, "submission-not-found", "Submission not found", $"Einreichung {id} existiert nicht");
        if (!s.AnnouncedAttachments.Contains(attachmentId, StringComparer.OrdinalIgnoreCase))
            return ProblemResult(404, "attachment-not-found", "Attachment not announced", $"Anlage {attachmentId} wurde nicht angekündigt");
        if (request.ContentType?.StartsWith("application/jose", StringComparison.OrdinalIgnoreCase) != true)
            return ProblemResult(415, "unsupported-media-type", "Unsupported media type", "application/jose erwartet");
        var jwe = await new StreamReader(request.Body).ReadToEndAsync().ConfigureAwait(false);
        if (jwe.Split('.').Length != 5) return ProblemResult(400, "request-body-invalid", "Request body invalid", "kein JWE in kompakter Serialisierung");
        if (s.Status == "submitted")
            return ProblemResult(409, "submission-state-invalid", "Submission state invalid", "die Einreichung ist bereits abgeschickt");
        s.EncryptedAttachments[attachmentId] = jwe;
        return Results.NoContent();
    }

    private async Task<IResult> SubmitAsync(string id, HttpRequest request)
    {
        if (!_submissions.TryGetValue(id, out var s)) return ProblemResult(404, "submission-not-found", "Submission not found", $"Einreichung {id} existiert nicht");
        var body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false) as JsonObject;
        var metadata = (string?)body?["encryptedMetadata"];
        var data = (string?)body?["encryptedData"];
        if (metadata is null || metadata.Split('.').Length != 5 || (data is not null && data.Split('.').Length != 5))
            return ProblemResult(400, "request-body-invalid", "Request body invalid", "encryptedMetadata (und encryptedData) als JWE erwartet");
        var missing = s.AnnouncedAttachments.Where(a => !s.EncryptedAttachments.ContainsKey(a)).ToList();
        if (missing.Count > 0) return ProblemResult(422, "missing-attachments", "Missing attachments", $"nicht hochgeladen: {string.Join(", ", missing)}");
        if (s.Status == "submitted")
            return ProblemResult(409, "submission-state-invalid", "Submission state invalid", "die Einreichung ist bereits abgeschickt");
        s.EncryptedMetadata = metadata;
        s.EncryptedData = data;
        s.Status = "submitted";
        Check(s);
        Submitted?.Invoke(s);
        return Results.Json(new { destinationId = s.DestinationId, submissionId = s.SubmissionId, caseId = s.CaseId });
    }

    /// <summary>What the destination's subscriber does: decrypt, check the metadata schema and every hash.</summary>
    private void Check(Submission s)
    {
        try
        {
            s.Metadata = JsonNode.Parse(JWT.DecryptBytes(s.EncryptedMetadata!, _key, JweAlgorithm.RSA_OAEP_256, JweEncryption.A256GCM)) as JsonObject;
        }
        catch (Exception e) when (e is JoseException or CryptographicException or JsonException or ArgumentException)
        {
            s.Problems.Add($"Metadaten nicht entschlüsselbar: {e.Message}");
            return;
        }
        if (s.Metadata is null) { s.Problems.Add("Metadaten sind kein JSON-Objekt"); return; }
        if (_metadataSchema is not null)
        {
            using var doc = JsonDocument.Parse(s.Metadata.ToJsonString());
            var result = _metadataSchema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            if (!result.IsValid)
                s.Problems.AddRange((result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"Metadaten-Schema {d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));
        }
        if (s.EncryptedData is not null)
        {
            try
            {
                var data = JWT.DecryptBytes(s.EncryptedData, _key, JweAlgorithm.RSA_OAEP_256, JweEncryption.A256GCM);
                s.Data = Encoding.UTF8.GetString(data);
                if ((string?)s.Metadata["contentStructure"]?["data"]?["hash"]?["content"] != Convert.ToHexStringLower(SHA512.HashData(data)))
                    s.Problems.Add("Hashwert der Fachdaten stimmt nicht");
            }
            catch (Exception e) when (e is JoseException or CryptographicException or ArgumentException) { s.Problems.Add($"Fachdaten nicht entschlüsselbar: {e.Message}"); }
        }
        var described = (s.Metadata["contentStructure"]?["attachments"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var (aid, jwe) in s.EncryptedAttachments)
        {
            try
            {
                var content = JWT.DecryptBytes(jwe, _key, JweAlgorithm.RSA_OAEP_256, JweEncryption.A256GCM);
                s.Attachments[aid] = content;
                var meta = described.FirstOrDefault(d => string.Equals((string?)d["attachmentId"], aid, StringComparison.OrdinalIgnoreCase));
                if (meta is null) s.Problems.Add($"Anlage {aid} fehlt in den Metadaten");
                else if ((string?)meta["hash"]?["content"] != Convert.ToHexStringLower(SHA512.HashData(content))) s.Problems.Add($"Hashwert der Anlage {aid} stimmt nicht");
            }
            catch (Exception e) when (e is JoseException or CryptographicException or ArgumentException) { s.Problems.Add($"Anlage {aid} nicht entschlüsselbar: {e.Message}"); }
        }
    }

    private IResult List(string? destinationId, int? offset, int? limit)
    {
        var all = _submissions.Values.Where(s => s.Status == "submitted" && (destinationId is null || string.Equals(s.DestinationId, destinationId, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.SubmissionId, StringComparer.Ordinal).ToList();
        var page = all.Skip(offset ?? 0).Take(Math.Clamp(limit ?? 100, 1, 500)).Select(s => new { destinationId = s.DestinationId, submissionId = s.SubmissionId, caseId = s.CaseId });
        return Results.Json(new { count = page.Count(), offset = offset ?? 0, totalCount = all.Count, submissions = page });
    }

    private IResult Get(string id) => !_submissions.TryGetValue(id, out var s) || s.Status == "incomplete"
        ? ProblemResult(404, "submission-not-found", "Submission not found", $"Einreichung {id} existiert nicht")
        : Results.Json(new
        {
            destinationId = s.DestinationId, submissionId = s.SubmissionId, caseId = s.CaseId,
            serviceType = new { identifier = s.ServiceIdentifier }, attachments = s.AnnouncedAttachments,
            encryptedMetadata = s.EncryptedMetadata, encryptedData = s.EncryptedData,
        });

    private IResult Attachment(string id, string attachmentId) =>
        _submissions.TryGetValue(id, out var s) && s.EncryptedAttachments.TryGetValue(attachmentId, out var jwe)
            ? Results.Text(jwe, "application/jose")
            : ProblemResult(404, "attachment-not-found", "Attachment not found", $"Anlage {attachmentId} gibt es nicht");

    private async Task<IResult> PostEventAsync(string caseId, HttpRequest request)
    {
        if (!_submissions.Values.Any(s => string.Equals(s.CaseId, caseId, StringComparison.OrdinalIgnoreCase)))
            return ProblemResult(404, "case-not-found", "Case not found", $"Vorgang {caseId} existiert nicht");
        var set = await new StreamReader(request.Body).ReadToEndAsync().ConfigureAwait(false);
        if (set.Split('.').Length != 3) return ProblemResult(400, "request-body-invalid", "Request body invalid", "ein signiertes Security Event Token (JWS) erwartet");
        _events.GetOrAdd(caseId, _ => new ConcurrentQueue<string>()).Enqueue(set);
        // The payload (unverified here; the tests verify the signature): an accepted submission leaves the list of waiting ones.
        try
        {
            var payload = JsonNode.Parse(Base64Url.Decode(set.Split('.')[1]));
            // An accepted or rejected submission leaves the list of waiting ones (a rejected one stays fetchable by its id).
            if (payload?["events"] is JsonObject events && events.ContainsKey("https://schema.fitko.de/fit-connect/events/accept-submission"))
                foreach (var s in _submissions.Values.Where(s => string.Equals(s.CaseId, caseId, StringComparison.OrdinalIgnoreCase))) s.Status = "accepted";
            else if (payload?["events"] is JsonObject rejected && rejected.ContainsKey("https://schema.fitko.de/fit-connect/events/reject-submission"))
                foreach (var s in _submissions.Values.Where(s => string.Equals(s.CaseId, caseId, StringComparison.OrdinalIgnoreCase))) s.Status = "rejected";
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException) { return ProblemResult(400, "request-body-invalid", "Request body invalid", "die Nutzlast des SET ist kein JSON"); }
        return Results.NoContent();
    }

    private IResult EventLog(string caseId) => Results.Json(new { eventLog = Events(caseId) });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
