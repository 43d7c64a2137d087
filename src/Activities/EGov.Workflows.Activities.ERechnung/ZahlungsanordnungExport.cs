using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.ERechnung;

/// <summary>
/// <c>zahlungsanordnung-export</c>: hands a payment order to the finance system as an ISO 20022 credit transfer initiation
/// (<c>pain.001.001.09</c>, one payment: amount, creditor with IBAN, remittance text, requested execution date, the
/// Buchungsstelle as the end-to-end reference's prefix) written into its import folder. The file name and the message id
/// derive from the case and the element, so a retried step writes the same file again, never a second payment order.
/// Wrong input (no IBAN, an amount that is not positive) is the BPMN error <c>ZAHLUNGSANORDNUNG_UNGUELTIG</c>.
/// </summary>
[Activity("zahlungsanordnung-export", Description = "Zahlungsanordnung an das Finanzverfahren übergeben (pain.001)")]
public sealed class ZahlungsanordnungExport(IOptionsMonitor<ERechnungOptions> options) : WorkflowActivity
{
    public const string Invalid = "ZAHLUNGSANORDNUNG_UNGUELTIG";
    private static readonly XNamespace Pain = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("betrag", ActivityValueType.Number, Required: true, "Zahlbetrag (größer als 0, höchstens zwei Nachkommastellen)"),
        new("waehrung", ActivityValueType.String, Description: "Währung (Standard EUR)"),
        new("empfaenger", ActivityValueType.String, Required: true, "Zahlungsempfänger (Verkäufer, BT-27)"),
        new("iban", ActivityValueType.String, Required: true, "IBAN des Zahlungsempfängers (BT-84)"),
        new("verwendungszweck", ActivityValueType.String, Required: true, "Verwendungszweck (höchstens 140 Zeichen)"),
        new("buchungsstelle", ActivityValueType.String, Required: true, "Buchungsstelle (Produkt.Sachkonto)"),
        new("faelligAm", ActivityValueType.String, Description: "Ausführungstermin (JJJJ-MM-TT; Standard: heute)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
        [new("zahlungsanordnung", ActivityValueType.Object, Description: "{ datei, nachrichtId, endToEndId, betrag, waehrung, ausfuehrungAm }")];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        foreach (var (value, name) in new[] { (o.ExportDirectory, "ExportDirectory"), (o.Kasse, "Kasse"), (o.KasseIban, "KasseIban") })
            if (string.IsNullOrWhiteSpace(value))
                return ActivityResult.Fail($"zahlungsanordnung-export: the setting {PackServiceCollectionExtensions.SettingKeys(ERechnungOptions.Section, context.TenantId, name)} is missing");

        var betrag = context.GetDecimal("betrag");
        var iban = (context.GetString("iban") ?? "").Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var empfaenger = context.GetString("empfaenger");
        var zweck = context.GetString("verwendungszweck") ?? "";
        var buchungsstelle = context.GetString("buchungsstelle");
        if (betrag is not > 0 || decimal.Round(betrag.Value, 2) != betrag)
            return ActivityResult.BpmnError(Invalid, $"Der Zahlbetrag {betrag?.ToString(CultureInfo.InvariantCulture) ?? "(fehlt)"} ist kein positiver Betrag mit höchstens zwei Nachkommastellen.");
        if (!IsIban(iban)) return ActivityResult.BpmnError(Invalid, $"Die IBAN '{iban}' des Zahlungsempfängers ist ungültig (Prüfziffer).");
        if (string.IsNullOrWhiteSpace(empfaenger) || string.IsNullOrWhiteSpace(buchungsstelle))
            return ActivityResult.BpmnError(Invalid, "Zahlungsempfänger und Buchungsstelle sind Pflicht.");
        var ausfuehrung = DateOnly.TryParseExact(context.GetString("faelligAm"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d : DateOnly.FromDateTime(context.Now.Date);
        var waehrung = context.GetString("waehrung") is { Length: 3 } w ? w : "EUR";

        var key = $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20];
        var endToEnd = Truncate($"{buchungsstelle}-{context.BusinessKey ?? id}", 35);
        var amount = betrag.Value.ToString("0.00", CultureInfo.InvariantCulture);
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(Pain + "Document",
                new XElement(Pain + "CstmrCdtTrfInitn",
                    new XElement(Pain + "GrpHdr",
                        new XElement(Pain + "MsgId", "ZA-" + id),
                        new XElement(Pain + "CreDtTm", context.Now.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
                        new XElement(Pain + "NbOfTxs", "1"),
                        new XElement(Pain + "CtrlSum", amount),
                        new XElement(Pain + "InitgPty", new XElement(Pain + "Nm", Truncate(o.Kasse!, 70)))),
                    new XElement(Pain + "PmtInf",
                        new XElement(Pain + "PmtInfId", "ZA-" + id),
                        new XElement(Pain + "PmtMtd", "TRF"),
                        new XElement(Pain + "NbOfTxs", "1"),
                        new XElement(Pain + "CtrlSum", amount),
                        new XElement(Pain + "PmtTpInf", new XElement(Pain + "SvcLvl", new XElement(Pain + "Cd", "SEPA"))),
                        new XElement(Pain + "ReqdExctnDt", new XElement(Pain + "Dt", ausfuehrung.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
                        new XElement(Pain + "Dbtr", new XElement(Pain + "Nm", Truncate(o.Kasse!, 70))),
                        new XElement(Pain + "DbtrAcct", new XElement(Pain + "Id", new XElement(Pain + "IBAN", o.KasseIban!.Replace(" ", "", StringComparison.Ordinal)))),
                        new XElement(Pain + "DbtrAgt", new XElement(Pain + "FinInstnId", new XElement(Pain + "Othr", new XElement(Pain + "Id", "NOTPROVIDED")))),
                        new XElement(Pain + "CdtTrfTxInf",
                            new XElement(Pain + "PmtId", new XElement(Pain + "EndToEndId", endToEnd)),
                            new XElement(Pain + "Amt", new XElement(Pain + "InstdAmt", new XAttribute("Ccy", waehrung), amount)),
                            new XElement(Pain + "Cdtr", new XElement(Pain + "Nm", Truncate(empfaenger, 70))),
                            new XElement(Pain + "CdtrAcct", new XElement(Pain + "Id", new XElement(Pain + "IBAN", iban))),
                            new XElement(Pain + "RmtInf", new XElement(Pain + "Ustrd", Truncate(zweck, 140))))))));

        Directory.CreateDirectory(o.ExportDirectory!);
        var file = Path.Combine(o.ExportDirectory!, $"zahlungsanordnung-{id}.xml");
        var temp = file + ".tmp";
        await using (var stream = File.Create(temp))
        await using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false), Indent = true }))
            await document.SaveAsync(writer, context.CancellationToken).ConfigureAwait(false);
        File.Move(temp, file, overwrite: true);

        return ActivityResult.Complete(new JsonObject
        {
            ["zahlungsanordnung"] = new JsonObject
            {
                ["datei"] = Path.GetFileName(file),
                ["nachrichtId"] = "ZA-" + id,
                ["endToEndId"] = endToEnd,
                ["betrag"] = betrag.Value,
                ["waehrung"] = waehrung,
                ["ausfuehrungAm"] = ausfuehrung.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
        });
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>ISO 13616: two letters, two check digits, up to 30 alphanumerics; mod 97 of the rearranged number is 1.</summary>
    public static bool IsIban(string iban)
    {
        if (iban.Length is < 15 or > 34 || !iban.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(iban[0]) || !char.IsAsciiLetter(iban[1])) return false;
        var rearranged = iban[4..] + iban[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : char.ToUpperInvariant(c) - 'A' + 10;
            remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }
}
