using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>
/// The archive's callback, <c>POST /api/callbacks/{tenant}/xdomea/archiv</c>: the archive posts its own Aussonderung
/// message (the evaluation <c>0502</c> or the import confirmation <c>0506</c>, the xdomea XML as the body) as soon as it is
/// ready, signed with the tenant's <see cref="XdomeaArchivOptions.CallbackSecret"/> in the header
/// <see cref="SignatureHeader"/> (<c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>). A missing, wrong or
/// stale signature is 401 and changes nothing. A good one hands the message to the <c>eakte-aussondern</c> waiting for its
/// ProzessID, which checks it like a fetched one (schema, ProzessID, the Vorgang) — the callback itself believes nothing.
/// A message nobody waits for (unknown, already handled: a duplicate or a late one) is acknowledged with 200 and ignored.
/// Polling (<c>Archiv:PollMinutes</c>) stays as the fallback when a callback is lost.
/// </summary>
public sealed class ArchivCallback(IOptionsMonitor<XdomeaOptions> options, ILogger<ArchivCallback> logger) : ActivityCallback
{
    /// <summary>The callback's name in its address (<c>/api/callbacks/{tenant}/xdomea/archiv</c>).</summary>
    public const string Name = "archiv";

    /// <summary>The pack's name in callback addresses.</summary>
    public const string Pack = "xdomea";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Xdomea-Signature";

    public override Task<CallbackResponse> HandleAsync(CallbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Get(request.TenantId);
        if (string.IsNullOrEmpty(o.Archiv.CallbackSecret))
        {
            logger.LogError("xdomea archive callback: tenant {Tenant} has no callback secret: set {Keys}", request.TenantId,
                PackServiceCollectionExtensions.SettingKeys(XdomeaOptions.Section, request.TenantId, "Archiv:CallbackSecret"));
            return Task.FromResult(CallbackResponse.Problem(503, "Service Unavailable", "archive callbacks are not configured for this tenant"));
        }
        if (Verify(o.Archiv.CallbackSecret, request.Header(SignatureHeader), request.Body.Span, request.Now, TimeSpan.FromSeconds(Math.Max(1, o.Archiv.CallbackToleranceSeconds))) is { } why)
        {
            logger.LogWarning("xdomea archive callback: refused for tenant {Tenant}: {Reason}", request.TenantId, why);
            return Task.FromResult(CallbackResponse.Problem(401, "Unauthorized", "the callback's signature is missing, wrong or outdated"));
        }
        string xml;
        XDocument doc;
        try
        {
            xml = new UTF8Encoding(false, true).GetString(request.Body.Span);
            doc = XDocument.Parse(xml);
        }
        catch (Exception e) when (e is XmlException or DecoderFallbackException)
        {
            return Task.FromResult(CallbackResponse.Problem(400, "Bad Request", "the body is no xdomea message (XML)"));
        }
        var root = doc.Root!;
        var nachricht = root.Name.LocalName;
        var prozessId = (string?)root.Element(root.Name.Namespace + "Kopf")?.Element(root.Name.Namespace + "ProzessID");
        if (nachricht is not (Aussonderung.Bewertungsverzeichnis or Aussonderung.AussonderungImportBestaetigen) || !Guid.TryParse(prozessId, out var pid))
            return Task.FromResult(CallbackResponse.Problem(400, "Bad Request",
                $"the archive may call back with {Aussonderung.Bewertungsverzeichnis} or {Aussonderung.AussonderungImportBestaetigen} and their ProzessID, not {nachricht}"));

        // Only a hint: the waiting activity checks the message against the schema and its own ProzessID before it believes it.
        var payload = new JsonObject { ["nachricht"] = xml, ["quelle"] = "callback" };
        if (request.Resume(EakteAussondern.CallbackKey(pid), payload))
        {
            if (logger.IsEnabled(LogLevel.Information))
                logger.LogInformation("xdomea archive callback: {Nachricht} for process {ProzessId} handed to its waiting Aussonderung", nachricht, pid);
            return Task.FromResult(CallbackResponse.Ok(new JsonObject { ["result"] = "accepted" }));
        }
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("xdomea archive callback: no Aussonderung waits for process {ProzessId} ({Nachricht}: unknown, or already handled); acknowledged, nothing changed", pid, nachricht);
        return Task.FromResult(CallbackResponse.Ok(new JsonObject { ["result"] = "ignored" }));
    }

    /// <summary>The signature header's value for <paramref name="body"/> at <paramref name="at"/> (the archive's side; the simulator uses it).</summary>
    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Mac(secret, t, body)}";
    }

    /// <summary>Null when <paramref name="header"/> signs <paramref name="body"/> with <paramref name="secret"/> within <paramref name="tolerance"/> of <paramref name="now"/>; else why not.</summary>
    public static string? Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header)) return $"no {SignatureHeader} header";
        string? t = null, v1 = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal)) t = part[2..];
            else if (part.StartsWith("v1=", StringComparison.Ordinal)) v1 = part[3..];
        }
        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "the header is not t=…,v1=…";
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return "the signature's time is outside the tolerance (stale or replayed)";
        var expected = Encoding.ASCII.GetBytes(Mac(secret, t, body));
        var given = Encoding.ASCII.GetBytes(v1.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "the signature does not match";
    }

    private static string Mac(string secret, string t, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(t + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }
}
