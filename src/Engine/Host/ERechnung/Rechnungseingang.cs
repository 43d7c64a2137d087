using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Activities.ERechnung;
using EGov.Workflows.Activities.ERechnung.Validation;
using EGov.Workflows.Host.Idempotency;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Rechnungseingang;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace EGov.Workflows.Host.ERechnung;

/// <summary>What the Rechnungseingang did with a received file: a new entry with its case, or the earlier entry of the same file or delivery.</summary>
public sealed record Empfang(EingangsEintrag Eintrag, bool Duplikat, InvoiceValidation? Pruefung);

/// <summary>
/// The Rechnungseingang: every e-invoice, whatever its channel (upload, e-mail, FIT-Connect), is validated here (XSD and
/// every Schematron rule, <see cref="XRechnungValidator"/>), entered in the Eingangsbuch (<see cref="IRechnungseingangStore"/>)
/// and starts one case of <c>Process_ERechnung</c> with the validation result and the invoice's data — valid or not, so an
/// invalid invoice goes back to its sender by the process. The same file or delivery twice starts nothing new. The case's
/// id derives from the entry, so a start repeated after a crash finds the first case.
/// </summary>
public sealed class Rechnungseingang(IRechnungseingangStore store, IConfiguration configuration, IClock clock)
{
    public const string ProcessId = "Process_ERechnung";
    public const int MaxBytes = 10 * 1024 * 1024;
    private readonly Lock _gate = new();
    private XRechnungValidator? _validator;

    public IRechnungseingangStore Store => store;

    /// <summary>The validator (created on first use; rules from <c>Packs:ERechnung:SchemaDirectory</c>, <c>EGOV_XRECHNUNG_DIR</c> or the shared corpus).</summary>
    public XRechnungValidator Validator
    {
        get
        {
            lock (_gate)
            {
                if (_validator is not null) return _validator;
                var dir = configuration["Packs:ERechnung:SchemaDirectory"];
                var resources = XRechnungResources.Locate(string.IsNullOrWhiteSpace(dir) ? null : dir, configuration["Packs:ERechnung:SaxonJar"] is { Length: > 0 } j ? j : null)
                    ?? throw new XRechnungSetupException("kein Ordner mit den XRechnung-Regeln (Packs:ERechnung:SchemaDirectory, EGOV_XRECHNUNG_DIR)");
                return _validator = new XRechnungValidator(resources);
            }
        }
    }

    /// <summary>Receives one file (or, with <paramref name="content"/> null, a delivery without an invoice file: <paramref name="ohneDatei"/> says why).</summary>
    public async Task<Empfang> ReceiveAsync(TenantEngine tenant, string kanal, string? kanalRef, string? absender, string dateiname, byte[]? content,
        string? userId, string? ohneDatei = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (content is { Length: > MaxBytes }) throw new ArgumentException($"Die Datei ist größer als {MaxBytes / 1024 / 1024} MB.");
        var bytes = content ?? [];
        var sha = Convert.ToHexStringLower(SHA256.HashData(content is null ? Encoding.UTF8.GetBytes($"{kanal}\n{kanalRef}\n{dateiname}") : bytes));
        var now = clock.GetCurrentInstant();

        InvoiceValidation? validation = null;
        InvoiceData? data = null;
        JsonArray fehler;
        if (content is null)
            fehler = [new JsonObject { ["regel"] = "Anhang", ["meldung"] = ohneDatei ?? "Es wurde keine Rechnungsdatei übermittelt." }];
        else
        {
            validation = await Validator.ValidateAsync(dateiname, bytes, cancellationToken).ConfigureAwait(false);
            fehler = new JsonArray(validation.Errors.Take(50).Select(e => (JsonNode)new JsonObject { ["regel"] = e.RuleId, ["meldung"] = e.Text }).ToArray());
            data = Read(bytes);
        }
        var gueltig = validation?.IsValid == true;
        var id = $"RE-{now.InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Year}-{sha[..10].ToUpperInvariant()}";
        var entry = new EingangsEintrag(id, now, kanal, kanalRef, absender, dateiname, sha, bytes, gueltig, validation?.Scenario?.Name,
            fehler.ToJsonString(), data?.Rechnungsnummer, data?.Verkaeufer, data?.LeitwegId, data?.Zahlbetrag, data?.Waehrung, null);
        if (store.TryAdd(tenant.TenantId, entry) is { } earlier) return new Empfang(earlier, true, validation);

        var variables = new JsonObject
        {
            ["eingang"] = new JsonObject
            {
                ["id"] = id, ["kanal"] = kanal, ["absender"] = absender, ["dateiname"] = dateiname,
                ["eingegangenAm"] = now.InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            },
            ["pruefung"] = new JsonObject { ["gueltig"] = gueltig, ["szenario"] = validation?.Scenario?.Name, ["fehler"] = fehler },
            ["rechnung"] = data is null ? new JsonObject() : JsonSerializer.SerializeToNode(data, JsonSerializerOptions.Web),
            ["ruecksendeAdresse"] = absender ?? data?.VerkaeuferEmail,
            ["rechnungsdokument"] = new JsonObject { ["name"] = dateiname, ["contentType"] = "application/xml", ["inhalt"] = Convert.ToBase64String(bytes) },
        };
        var instanceId = IdempotentRequests.InstanceId(tenant.TenantId, "erechnung:" + id);
        try
        {
            tenant.Engine.StartProcessAs(instanceId, ProcessId, variables, id, userId);
        }
        catch (Runtime.InstanceExistsException) { } // started before a crash took the rest: the case is there
        store.SetInstance(tenant.TenantId, id, instanceId);
        return new Empfang(entry with { InstanceId = instanceId, Inhalt = null }, false, validation);
    }

    private static InvoiceData? Read(byte[] content)
    {
        try
        {
            using var stream = new MemoryStream(content);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return InvoiceXml.Read(XDocument.Load(reader));
        }
        catch (XmlException) { return null; }
    }
}
