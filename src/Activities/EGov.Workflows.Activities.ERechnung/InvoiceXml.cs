using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;
using EGov.Workflows.Activities.ERechnung.Validation;

namespace EGov.Workflows.Activities.ERechnung;

/// <summary>A Skonto term of an XRechnung (BT-20, <c>#SKONTO#TAGE=14#PROZENT=2.00#</c>): within so many days, so much off.</summary>
public sealed record Skonto(int Tage, decimal Prozent, decimal? Basisbetrag);

/// <summary>
/// The data of an e-invoice the Rechnungseingang works with (business terms of EN 16931): number, dates, Leitweg-ID, seller,
/// amounts, IBAN, payment terms with Skonto. Read from UBL or CII; a missing term is null.
/// </summary>
public sealed record InvoiceData(
    string Syntax,
    string? Rechnungsnummer,
    string? Rechnungsdatum,
    string? Faelligkeit,
    string? LeitwegId,
    string? Verkaeufer,
    string? VerkaeuferEmail,
    string? Waehrung,
    decimal? Gesamtbetrag,
    decimal? Zahlbetrag,
    string? Iban,
    string? Zahlungsbedingungen,
    IReadOnlyList<Skonto> Skonto);

/// <summary>Namespaces and paths of UBL 2.1 and CII D16B invoices.</summary>
public static partial class InvoiceXml
{
    public const string UblInvoice = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    public const string UblCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
    public const string Cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
    public const string Cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    public const string Rsm = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
    public const string Ram = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
    public const string Udt = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

    private static readonly XmlNamespaceManager Namespaces = CreateNamespaces();

    private static XmlNamespaceManager CreateNamespaces()
    {
        var ns = new XmlNamespaceManager(new NameTable());
        ns.AddNamespace("ubl", UblInvoice);
        ns.AddNamespace("cn", UblCreditNote);
        ns.AddNamespace("cbc", Cbc);
        ns.AddNamespace("cac", Cac);
        ns.AddNamespace("rsm", Rsm);
        ns.AddNamespace("ram", Ram);
        ns.AddNamespace("udt", Udt);
        return ns;
    }

    /// <summary>The specification identifier (BT-24) of the document.</summary>
    public static string? SpecificationId(XElement root, InvoiceSyntax syntax) => syntax == InvoiceSyntax.Cii
        ? Text(root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID")
        : Text(root, "cbc:CustomizationID");

    /// <summary>Reads the invoice data of a UBL or CII document; null when it is neither.</summary>
    public static InvoiceData? Read(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root!;
        if (root.Name == XName.Get("CrossIndustryInvoice", Rsm)) return ReadCii(root);
        if (root.Name == XName.Get("Invoice", UblInvoice) || root.Name == XName.Get("CreditNote", UblCreditNote)) return ReadUbl(root);
        return null;
    }

    private static InvoiceData ReadUbl(XElement r)
    {
        var terms = Texts(r, "cac:PaymentTerms/cbc:Note");
        return new InvoiceData(
            r.Name.LocalName == "Invoice" ? "UBL Invoice" : "UBL CreditNote",
            Text(r, "cbc:ID"),
            Text(r, "cbc:IssueDate"),
            Text(r, "cbc:DueDate") ?? Text(r, "cac:PaymentMeans/cbc:PaymentDueDate"),
            Text(r, "cbc:BuyerReference"),
            Text(r, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
                ?? Text(r, "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name"),
            Text(r, "cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:ElectronicMail")
                ?? Text(r, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID[@schemeID='EM']"),
            Text(r, "cbc:DocumentCurrencyCode"),
            Amount(Text(r, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")),
            Amount(Text(r, "cac:LegalMonetaryTotal/cbc:PayableAmount")),
            Text(r, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
            terms,
            ParseSkonto(terms));
    }

    private static InvoiceData ReadCii(XElement r)
    {
        const string trade = "rsm:SupplyChainTradeTransaction/";
        const string settlement = trade + "ram:ApplicableHeaderTradeSettlement/";
        const string seller = trade + "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/";
        var terms = Texts(r, settlement + "ram:SpecifiedTradePaymentTerms/ram:Description");
        return new InvoiceData(
            "CII",
            Text(r, "rsm:ExchangedDocument/ram:ID"),
            CiiDate(Text(r, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
            CiiDate(Text(r, settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")),
            Text(r, trade + "ram:ApplicableHeaderTradeAgreement/ram:BuyerReference"),
            Text(r, seller + "ram:Name"),
            Text(r, seller + "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID")
                ?? Text(r, seller + "ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']"),
            Text(r, settlement + "ram:InvoiceCurrencyCode"),
            Amount(Text(r, settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount")),
            Amount(Text(r, settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount")),
            Text(r, settlement + "ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
            terms,
            ParseSkonto(terms));
    }

    /// <summary>The Skonto lines of BT-20 as XRechnung defines them (#SKONTO#TAGE=n#PROZENT=p.pp#[BASISBETRAG=b.bb#]).</summary>
    public static IReadOnlyList<Skonto> ParseSkonto(string? terms)
    {
        if (string.IsNullOrEmpty(terms)) return [];
        return SkontoLine().Matches(terms)
            .Select(m => new Skonto(
                int.Parse(m.Groups["tage"].Value, CultureInfo.InvariantCulture),
                decimal.Parse(m.Groups["prozent"].Value, CultureInfo.InvariantCulture),
                m.Groups["basis"].Success ? decimal.Parse(m.Groups["basis"].Value, CultureInfo.InvariantCulture) : null))
            .ToList();
    }

    [GeneratedRegex(@"#SKONTO#TAGE=(?<tage>[0-9]+)#PROZENT=(?<prozent>[0-9]+\.[0-9]{2})(#BASISBETRAG=(?<basis>-?[0-9]+\.[0-9]{2}))?#", RegexOptions.CultureInvariant)]
    private static partial Regex SkontoLine();

    private static string? CiiDate(string? yyyymmdd) =>
        yyyymmdd is { Length: 8 } && DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : yyyymmdd;

    private static decimal? Amount(string? text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? Text(XElement root, string path)
    {
        var value = root.XPathSelectElement(path, Namespaces)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? Texts(XElement root, string path)
    {
        var values = root.XPathSelectElements(path, Namespaces).Select(e => e.Value.Trim()).Where(v => v.Length > 0).ToList();
        return values.Count == 0 ? null : string.Join("\n", values);
    }
}
