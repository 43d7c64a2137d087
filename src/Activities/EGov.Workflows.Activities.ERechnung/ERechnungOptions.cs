namespace EGov.Workflows.Activities.ERechnung;

/// <summary>A tenant's eRechnung settings (configuration section <c>Packs:ERechnung</c>, per tenant <c>Tenants:{id}:ERechnung</c>).</summary>
public sealed class ERechnungOptions
{
    public const string Section = "ERechnung";

    /// <summary>The import folder of the finance system (HKR/Finanzverfahren) the payment orders are written into (required for <c>zahlungsanordnung-export</c>).</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>The paying authority (Debtor in pain.001), e.g. <c>Stadtkasse Musterstadt</c> (required).</summary>
    public string? Kasse { get; set; }

    /// <summary>The authority's account the payments are made from (DbtrAcct/IBAN), e.g. <c>DE02120300000000202051</c> (required).</summary>
    public string? KasseIban { get; set; }

    /// <summary>The validation rules and schemas (laid out as shared/corpora/xrechnung); default <c>EGOV_XRECHNUNG_DIR</c> or the shared corpus.</summary>
    public string? SchemaDirectory { get; set; }

    /// <summary>The Rechnungseingang's mailbox; without a host no mail is fetched.</summary>
    public ImapOptions Imap { get; set; } = new();
}
