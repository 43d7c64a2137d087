using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jose;
using Json.Schema;

namespace EGov.Workflows.Activities.FitConnect;

/// <summary>A submission waiting at the destination.</summary>
public sealed record SubmissionRef(string SubmissionId, string CaseId, string DestinationId);

/// <summary>What became of fetching one submission.</summary>
public abstract record Receipt
{
    private Receipt() { }

    /// <summary>Decrypted and checked: the Fachdaten, the metadata and the attachments (by id, with their metadata entry).</summary>
    public sealed record Valid(SubmissionRef Submission, string ServiceIdentifier, JsonObject Metadata, JsonNode? Data,
        IReadOnlyList<(string Id, string? Filename, string MimeType, byte[] Content)> Attachments) : Receipt;

    /// <summary>Not decryptable, or its metadata or a hash does not fit: to be rejected with these reasons (the submission stays fetchable).</summary>
    public sealed record Invalid(SubmissionRef Submission, IReadOnlyList<string> Problems) : Receipt;
}

/// <summary>
/// The receiving side of FIT-Connect for the municipality's destination: lists the submissions waiting for it, fetches
/// one, decrypts metadata, data and attachments with the destination's private key, checks the metadata against FITKO's
/// schema and every SHA-512 hash, and confirms the result in the case's event log with a Security Event Token signed
/// with the destination's signing key (PS512): <c>accept-submission</c>, or <c>reject-submission</c> with the problems.
/// Nothing is lost on a rejection: the submission stays at the Zustelldienst. The host's trigger (start the bound
/// process with the data) builds on this.
/// </summary>
public sealed class FitConnectSubscriber(SubmissionApi api)
{
    public const string EventPrefix = "https://schema.fitko.de/fit-connect/events/";
    public const string SetPayloadSchema = "https://schema.fitko.de/fit-connect/set-payload/1.0.0/set-payload.schema.json";

    /// <summary>The submissions waiting at <see cref="FitConnectOptions.DestinationId"/> (all pages).</summary>
    public async Task<IReadOnlyList<SubmissionRef>> PendingAsync(FitConnectOptions o, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        var result = new List<SubmissionRef>();
        for (var offset = 0; ; )
        {
            var page = await api.ListAsync(o, o.DestinationId!, offset, 100, ct).ConfigureAwait(false);
            var items = (page["submissions"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(s => new SubmissionRef((string?)s["submissionId"] ?? "", (string?)s["caseId"] ?? "", (string?)s["destinationId"] ?? "")).ToList();
            result.AddRange(items);
            offset += items.Count;
            var total = page["totalCount"] is JsonValue v && v.TryGetValue<int>(out var t) ? t : offset;
            if (items.Count == 0 || offset >= total) return result;
        }
    }

    /// <summary>Fetches, decrypts and checks one submission. Transport failures throw <see cref="SubmissionApiException"/>.</summary>
    public async Task<Receipt> ReceiveAsync(FitConnectOptions o, string submissionId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        var s = await api.SubmissionAsync(o, submissionId, ct).ConfigureAwait(false);
        var reference = new SubmissionRef(submissionId, (string?)s["caseId"] ?? "", (string?)s["destinationId"] ?? "");
        var problems = new List<string>();
        using var key = PrivateKey(o.DecryptionKeyFile!, "unwrapKey");

        JsonObject? metadata = null;
        try { metadata = JsonNode.Parse(Jwe.Decrypt((string?)s["encryptedMetadata"] ?? "", key)) as JsonObject; }
        catch (Exception e) when (e is JoseException or CryptographicException or JsonException or ArgumentException or IndexOutOfRangeException)
        {
            problems.Add($"Die Metadaten lassen sich nicht entschlüsseln: {e.Message}");
        }
        if (metadata is null)
        {
            if (problems.Count == 0) problems.Add("Die Metadaten sind kein JSON-Objekt.");
            return new Receipt.Invalid(reference, problems);
        }
        if (!string.IsNullOrWhiteSpace(o.MetadataSchema)) problems.AddRange(SchemaProblems(o.MetadataSchema, metadata));

        JsonNode? data = null;
        if ((string?)s["encryptedData"] is { Length: > 0 } encryptedData)
        {
            try
            {
                var bytes = Jwe.Decrypt(encryptedData, key);
                if ((string?)metadata["contentStructure"]?["data"]?["hash"]?["content"] != Convert.ToHexStringLower(SHA512.HashData(bytes)))
                    problems.Add("Der Hashwert der Fachdaten stimmt nicht mit den Metadaten überein.");
                try { data = JsonNode.Parse(bytes); }
                catch (JsonException) { data = JsonValue.Create(Encoding.UTF8.GetString(bytes)); } // XML Fachdaten stay text
            }
            catch (Exception e) when (e is JoseException or CryptographicException or ArgumentException or IndexOutOfRangeException)
            {
                problems.Add($"Die Fachdaten lassen sich nicht entschlüsseln: {e.Message}");
            }
        }

        var described = (metadata["contentStructure"]?["attachments"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var attachments = new List<(string, string?, string, byte[])>();
        foreach (var id in (s["attachments"] as JsonArray ?? []).Select(a => (string?)a ?? ""))
        {
            var meta = described.FirstOrDefault(d => string.Equals((string?)d["attachmentId"], id, StringComparison.OrdinalIgnoreCase));
            if (meta is null) { problems.Add($"Die Anlage {id} ist in den Metadaten nicht beschrieben."); continue; }
            try
            {
                var content = Jwe.Decrypt(await api.AttachmentAsync(o, submissionId, id, ct).ConfigureAwait(false), key);
                if ((string?)meta["hash"]?["content"] != Convert.ToHexStringLower(SHA512.HashData(content)))
                    problems.Add($"Der Hashwert der Anlage {id} stimmt nicht mit den Metadaten überein.");
                else attachments.Add((id, (string?)meta["filename"], (string?)meta["mimeType"] ?? "application/octet-stream", content));
            }
            catch (Exception e) when (e is JoseException or CryptographicException or ArgumentException or IndexOutOfRangeException)
            {
                problems.Add($"Die Anlage {id} lässt sich nicht entschlüsseln: {e.Message}");
            }
        }
        return problems.Count > 0
            ? new Receipt.Invalid(reference, problems)
            : new Receipt.Valid(reference, (string?)s["serviceType"]?["identifier"] ?? "", metadata, data, attachments);
    }

    /// <summary>Confirms the submission in its case's event log (<c>accept-submission</c>).</summary>
    public Task AcceptAsync(FitConnectOptions o, SubmissionRef submission, CancellationToken ct) =>
        PostEventAsync(o, submission, "accept-submission", new JsonObject(), ct);

    /// <summary>Rejects the submission in its case's event log (<c>reject-submission</c>) with the problems as reasons.</summary>
    public Task RejectAsync(FitConnectOptions o, SubmissionRef submission, IEnumerable<string> problems, CancellationToken ct) =>
        PostEventAsync(o, submission, "reject-submission", new JsonObject
        {
            ["problems"] = new JsonArray(problems.Select(p => (JsonNode)new JsonObject
            {
                ["type"] = "https://schema.fitko.de/fit-connect/events/problems/submission-invalid",
                ["title"] = "Einreichung ungültig",
                ["detail"] = p,
                ["instance"] = $"submission:{submission.SubmissionId}",
            }).ToArray()),
        }, ct);

    private async Task PostEventAsync(FitConnectOptions o, SubmissionRef submission, string eventName, JsonObject payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(submission);
        using var key = PrivateKey(o.SigningKeyFile!, "sign");
        var set = new JsonObject
        {
            ["$schema"] = SetPayloadSchema,
            ["jti"] = Guid.NewGuid().ToString("D"),
            ["iss"] = o.DestinationId,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["sub"] = $"submission:{submission.SubmissionId}",
            ["txn"] = $"case:{submission.CaseId}",
            ["events"] = new JsonObject { [EventPrefix + eventName] = payload },
        };
        var headers = new Dictionary<string, object> { ["typ"] = "secevent+jwt", ["kid"] = o.SigningKid ?? "" };
        var token = JWT.Encode(set.ToJsonString(), key, JwsAlgorithm.PS512, extraHeaders: headers);
        await api.PostEventAsync(o, submission.CaseId, token, ct).ConfigureAwait(false);
    }

    /// <summary>An RSA private key from a JWK file (<c>kty RSA</c> with <c>d</c>, <c>p</c>, <c>q</c>, <c>dp</c>, <c>dq</c>, <c>qi</c>).</summary>
    public static RSA PrivateKey(string jwkFile, string use)
    {
        JsonObject jwk;
        try { jwk = JsonNode.Parse(File.ReadAllText(jwkFile)) as JsonObject ?? throw new CryptographicException("not a JSON object"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CryptographicException($"the key file for {use} cannot be read: {e.Message}");
        }
        byte[] B(string n) => jwk[n] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? Base64Url.Decode(s) : throw new CryptographicException($"the key for {use} has no '{n}'");
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = B("n"), Exponent = B("e"), D = B("d"), P = B("p"), Q = B("q"), DP = B("dp"), DQ = B("dq"), InverseQ = B("qi"),
        });
        return rsa;
    }

    /// <summary>A private JWK of an RSA key (for tests and the simulator's key files).</summary>
    public static JsonObject PrivateJwk(RSA rsa, string kid, string alg, string keyOp)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        var p = rsa.ExportParameters(true);
        return new JsonObject
        {
            ["kty"] = "RSA", ["kid"] = kid, ["alg"] = alg, ["key_ops"] = new JsonArray(keyOp),
            ["n"] = Base64Url.Encode(p.Modulus!), ["e"] = Base64Url.Encode(p.Exponent!), ["d"] = Base64Url.Encode(p.D!),
            ["p"] = Base64Url.Encode(p.P!), ["q"] = Base64Url.Encode(p.Q!), ["dp"] = Base64Url.Encode(p.DP!),
            ["dq"] = Base64Url.Encode(p.DQ!), ["qi"] = Base64Url.Encode(p.InverseQ!),
        };
    }

    private static IEnumerable<string> SchemaProblems(string schemaPath, JsonObject metadata)
    {
        if (!File.Exists(schemaPath)) return [$"Das Metadatenschema '{schemaPath}' fehlt."];
        var schema = FitConnectSend.MetadataSchemaAt(schemaPath);
        using var doc = JsonDocument.Parse(metadata.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"Die Metadaten verletzen das Schema bei {d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}").ToList();
    }
}
