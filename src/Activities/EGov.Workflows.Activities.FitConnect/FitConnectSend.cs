using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Sdk;
using Json.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.FitConnect;

/// <summary>
/// <c>fitconnect-send</c>: sends a submission to another authority's destination (Zustellpunkt) through the FIT-Connect
/// Submission API: reads the destination and its public encryption key (RSA, at least 4096 bits, <c>wrapKey</c>),
/// announces the submission with its attachment ids, uploads each attachment and then the metadata (with the SHA-512 of
/// the Fachdaten and of each attachment) and the Fachdaten, each encrypted as a JWE (RSA-OAEP-256, A256GCM). A refusal of
/// the content by the API (destination unknown or inactive, service not offered there) is the BPMN error
/// <c>FITCONNECT_REJECTED</c>; no answer, 5xx or a refused client is a technical failure (retried, then an incident).
/// </summary>
[Activity("fitconnect-send", Description = "Einreichung über FIT-Connect an eine andere Behörde senden")]
public sealed partial class FitConnectSend(IOptionsMonitor<FitConnectOptions> options, SubmissionApi api, ILogger<FitConnectSend> logger) : WorkflowActivity
{
    public const string Rejected = "FITCONNECT_REJECTED";
    public const string MetadataSchemaUri = "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("destinationId", ActivityValueType.String, Required: true, "Zustellpunkt (Destination-ID) der empfangenden Behörde"),
        new("leistung", ActivityValueType.String, Required: true, "Leistungsschlüssel, z. B. urn:de:fim:leika:leistung:99108001000000 oder nur die 14 Ziffern"),
        new("leistungsname", ActivityValueType.String, Description: "Bezeichnung der Verwaltungsleistung"),
        new("fachdaten", ActivityValueType.Object, Required: true, "Die Fachdaten (JSON)"),
        new("fachdatenschema", ActivityValueType.String, Required: true, "URI des Fachdatenschemas"),
        new("anlagen", ActivityValueType.Array, Description: "[{ name, contentType, inhalt (Base64) oder text, zweck: attachment|form|report }]"),
        new("idempotencyKey", ActivityValueType.String, Description: "Schlüssel der Ankündigung und der Anlagen-IDs (Standard: Vorgang und Element)"),
        new("caseId", ActivityValueType.String, Description: "FIT-Connect-Vorgang (caseId) einer früheren Einreichung, zu dem diese gehört (Nachreichung)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
        [new("fitconnect", ActivityValueType.Object, Description: "{ submissionId, caseId, destinationId, anlagen, gesendetAm }")];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);
        var key = context.GetString("idempotencyKey") is { Length: > 0 } k ? k : $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";

        Einreichung e;
        try { e = Build(context, key); }
        catch (InputException x) { return ActivityResult.Fail($"fitconnect-send: {x.Message}"); }

        if (!string.IsNullOrWhiteSpace(o.MetadataSchema) && CheckMetadata(o.MetadataSchema, e.Metadata) is { } schemaError)
            return ActivityResult.Fail($"fitconnect-send: the metadata fails the schema and was not sent: {schemaError}");

        var ct = context.CancellationToken;
        try
        {
            var destination = await api.DestinationAsync(o, e.DestinationId, ct).ConfigureAwait(false);
            if ((string?)destination["status"] is { } status && status != "active")
                return ActivityResult.BpmnError(Rejected, $"Der Zustellpunkt {e.DestinationId} ist nicht aktiv ({status}).");
            if (destination["services"] is JsonArray services && services.Count > 0
                && !services.Any(s => (string?)s?["identifier"] == e.Leistung))
                return ActivityResult.BpmnError(Rejected, $"Der Zustellpunkt {e.DestinationId} nimmt die Leistung {e.Leistung} nicht an.");
            var kid = (string?)destination["encryptionKid"] ?? throw new SubmissionApiException(502, "the destination names no encryptionKid");
            var jwk = await api.KeyAsync(o, e.DestinationId, kid, ct).ConfigureAwait(false);
            if (KeyProblem(jwk, o.MinimumKeyBits) is { } keyProblem) return ActivityResult.Fail($"fitconnect-send: the destination's key {kid} {keyProblem}");

            var announcement = new JsonObject
            {
                ["destinationId"] = e.DestinationId,
                ["announcedAttachments"] = new JsonArray(e.Anlagen.Select(a => (JsonNode)a.Id).ToArray()),
                ["serviceType"] = new JsonObject { ["name"] = e.Leistungsname ?? e.Leistung, ["identifier"] = e.Leistung },
            };
            if (context.GetString("caseId") is { Length: > 0 } existingCase && Guid.TryParse(existingCase, out _)) announcement["caseId"] = existingCase;
            var announced = await api.AnnounceAsync(o, announcement, Stable(key + "#announce").ToString("D"), ct).ConfigureAwait(false);
            var submissionId = (string?)announced["submissionId"] ?? throw new SubmissionApiException(502, "the announcement's answer has no submissionId");
            var caseId = (string?)announced["caseId"];

            try
            {
                foreach (var a in e.Anlagen)
                    await api.UploadAttachmentAsync(o, submissionId, a.Id, Jwe.Encrypt(a.Inhalt, jwk, a.ContentType), ct).ConfigureAwait(false);
                await api.SubmitAsync(o, submissionId,
                    Jwe.Encrypt(Encoding.UTF8.GetBytes(e.Metadata.ToJsonString()), jwk, "application/json"),
                    Jwe.Encrypt(e.Fachdaten, jwk, "application/json"), ct).ConfigureAwait(false);
            }
            catch (SubmissionApiException x) when (x.Status == 409 && x.ProblemType?.EndsWith("submission-state-invalid", StringComparison.Ordinal) == true)
            {
                // The announcement carried this case's key and the submission is already sent: an earlier try got through.
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("fitconnect-send: submission {SubmissionId} was already submitted by an earlier try", submissionId);
            }

            if (logger.IsEnabled(LogLevel.Information))
                logger.LogInformation("fitconnect-send: submission {SubmissionId} (case {CaseId}) sent to destination {Destination} for instance {Instance} at {Element}",
                    submissionId, caseId, e.DestinationId, context.ProcessInstanceId, context.ElementId);
            return ActivityResult.Complete(new JsonObject
            {
                ["fitconnect"] = new JsonObject
                {
                    ["submissionId"] = submissionId, ["caseId"] = caseId, ["destinationId"] = e.DestinationId,
                    ["anlagen"] = e.Anlagen.Count, ["gesendetAm"] = context.Now.ToString("O"),
                },
            });
        }
        catch (SubmissionApiException x) when (x.IsRefusal)
        {
            logger.LogWarning("fitconnect-send: refused for instance {Instance}: {Reason}", context.ProcessInstanceId, x.Message);
            return ActivityResult.BpmnError(Rejected, $"FIT-Connect hat die Einreichung abgelehnt: {x.Message}");
        }
        catch (SubmissionApiException x) { return ActivityResult.Fail($"fitconnect-send: {x.Message}"); }
        catch (CryptographicException x) { return ActivityResult.Fail($"fitconnect-send: the destination's key cannot be used: {x.Message}"); }
    }

    /// <summary>The first required setting that is not there, as a message naming its configuration keys.</summary>
    public static string? Missing(FitConnectOptions o, string tenant)
    {
        string Keys(string s) => PackServiceCollectionExtensions.SettingKeys(FitConnectOptions.Section, tenant, s);
        if (!Uri.TryCreate(o.TokenUrl, UriKind.Absolute, out _)) return $"fitconnect-send: the setting {Keys("TokenUrl")} is missing or not an absolute URL";
        if (!Uri.TryCreate(o.SubmissionApiUrl, UriKind.Absolute, out _)) return $"fitconnect-send: the setting {Keys("SubmissionApiUrl")} is missing or not an absolute URL";
        if (string.IsNullOrWhiteSpace(o.ClientId)) return $"fitconnect-send: the setting {Keys("ClientId")} is missing";
        if (SubmissionApi.Secret(o) is null) return $"fitconnect-send: the setting {Keys("ClientSecret")} (or {Keys("ClientSecretFile")}) is missing";
        return null;
    }

    /// <summary>Why a destination's key may not be used, or null: RSA, for key wrapping, RSA-OAEP-256, long enough.</summary>
    internal static string? KeyProblem(JsonObject jwk, int minimumBits)
    {
        if ((string?)jwk["kty"] != "RSA") return "is not an RSA key";
        if (jwk["key_ops"] is JsonArray ops && !ops.Any(x => (string?)x == "wrapKey")) return "is not meant for encryption (key_ops without wrapKey)";
        if ((string?)jwk["alg"] is { } alg && alg != "RSA-OAEP-256") return $"has the algorithm {alg}, not RSA-OAEP-256";
        using var rsa = Jwe.PublicKey(jwk);
        return rsa.KeySize < minimumBits ? $"has {rsa.KeySize} bits; at least {minimumBits} are required" : null;
    }

    private static string? CheckMetadata(string schemaPath, JsonObject metadata)
    {
        if (!File.Exists(schemaPath)) return $"the metadata schema '{schemaPath}' does not exist";
        var schema = MetadataSchemaAt(schemaPath);
        using var doc = System.Text.Json.JsonDocument.Parse(metadata.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid) return null;
        var first = result.Details?.FirstOrDefault(d => d.Errors is { Count: > 0 });
        return first is null ? "invalid" : $"{first.InstanceLocation}: {string.Join("; ", first.Errors!.Values)}";
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> MetadataSchemas = new(StringComparer.Ordinal);

    /// <summary>The metadata schema at a path, read once (in a registry of its own, so its $id may be read again elsewhere).</summary>
    internal static JsonSchema MetadataSchemaAt(string path) =>
        MetadataSchemas.GetOrAdd(Path.GetFullPath(path), p => JsonSchema.FromText(File.ReadAllText(p), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    private sealed record Anlage(string Id, string Name, string ContentType, string Zweck, byte[] Inhalt);
    private sealed record Einreichung(string DestinationId, string Leistung, string? Leistungsname, byte[] Fachdaten, List<Anlage> Anlagen, JsonObject Metadata);

    private static Einreichung Build(ActivityContext context, string key)
    {
        var destination = context.GetString("destinationId")?.Trim();
        if (string.IsNullOrEmpty(destination) || !Guid.TryParse(destination, out _)) throw new InputException("the input 'destinationId' is not a destination id (UUID)");
        var leistung = context.GetString("leistung")?.Trim() ?? "";
        if (Leika().IsMatch(leistung)) leistung = "urn:de:fim:leika:leistung:" + leistung;
        if (!Urn().IsMatch(leistung)) throw new InputException($"the input 'leistung' ('{leistung}') is no Leistungsschlüssel (14 digits) or service URN");
        if (context.Input("fachdaten") is not JsonObject data) throw new InputException("the input 'fachdaten' is not an object");
        var schemaUri = context.GetString("fachdatenschema")?.Trim();
        if (!Uri.TryCreate(schemaUri, UriKind.Absolute, out _)) throw new InputException("the input 'fachdatenschema' is not an absolute URI");
        var fachdaten = Encoding.UTF8.GetBytes(data.ToJsonString());

        var anlagen = new List<Anlage>();
        if (context.Input("anlagen") is JsonArray list)
            foreach (var (node, i) in list.Select((n, i) => (n, i)))
            {
                if (node is not JsonObject a) throw new InputException($"anlagen[{i}] is not an object");
                var name = Path.GetFileName(((string?)a["name"] ?? "").Replace('\\', '/'));
                if (name.Length == 0) throw new InputException($"anlagen[{i}] has no name");
                byte[] content;
                if ((string?)a["inhalt"] is { Length: > 0 } b64)
                {
                    try { content = Convert.FromBase64String(b64); }
                    catch (FormatException) { throw new InputException($"anlagen[{i}] ('{name}'): 'inhalt' is not Base64"); }
                }
                else if ((string?)a["text"] is { } text) content = Encoding.UTF8.GetBytes(text);
                else throw new InputException($"anlagen[{i}] ('{name}') has neither 'inhalt' (Base64) nor 'text'");
                var zweck = (string?)a["zweck"] ?? "attachment";
                if (zweck is not ("attachment" or "form" or "report")) throw new InputException($"anlagen[{i}] ('{name}'): zweck must be attachment, form or report");
                anlagen.Add(new Anlage(Stable($"{key}#anlage#{i}").ToString("D"), name, (string?)a["contentType"] ?? "application/octet-stream", zweck, content));
            }

        var metadata = new JsonObject
        {
            ["$schema"] = MetadataSchemaUri,
            ["contentStructure"] = new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["hash"] = Hash(fachdaten),
                    ["submissionSchema"] = new JsonObject { ["schemaUri"] = schemaUri, ["mimeType"] = "application/json" },
                },
                ["attachments"] = new JsonArray(anlagen.Select(a => (JsonNode)new JsonObject
                {
                    ["attachmentId"] = a.Id, ["hash"] = Hash(a.Inhalt), ["purpose"] = a.Zweck, ["mimeType"] = a.ContentType, ["filename"] = a.Name,
                }).ToArray()),
            },
            ["publicServiceType"] = new JsonObject { ["identifier"] = leistung },
        };
        if (context.GetString("leistungsname") is { Length: > 0 } n) metadata["publicServiceType"]!["name"] = n;
        return new Einreichung(destination, leistung, context.GetString("leistungsname"), fachdaten, anlagen, metadata);
    }

    private static JsonObject Hash(byte[] content) => new() { ["type"] = "sha512", ["content"] = Convert.ToHexStringLower(SHA512.HashData(content)) };

    /// <summary>A stable UUID (version-4 shape, as FIT-Connect's attachment ids require) from a key.</summary>
    internal static Guid Stable(string key)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16).ToArray();
        h[6] = (byte)((h[6] & 0x0F) | 0x40);
        h[8] = (byte)((h[8] & 0x3F) | 0x80);
        return new Guid(h, bigEndian: true);
    }

    [GeneratedRegex("^[0-9]{14}$")] private static partial Regex Leika();
    [GeneratedRegex("^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,.:=@;$_!*'%/?#-]+$")] private static partial Regex Urn();

    private sealed class InputException(string message) : Exception(message);
}
