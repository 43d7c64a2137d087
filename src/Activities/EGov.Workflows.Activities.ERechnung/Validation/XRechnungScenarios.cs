namespace EGov.Workflows.Activities.ERechnung.Validation;

/// <summary>The syntax of an e-invoice: UBL 2.1 Invoice, UBL 2.1 CreditNote or UN/CEFACT CII D16B.</summary>
public enum InvoiceSyntax { UblInvoice, UblCreditNote, Cii }

/// <summary>
/// One validation scenario of the KoSIT validator configuration for XRechnung (validator-configuration-xrechnung,
/// <c>scenarios.xml</c>): which documents it takes (syntax and specification identifier BT-24), the XML schema, the Schematron
/// rule sets, and the custom levels that overrule a rule's own flag.
/// </summary>
public sealed record XRechnungScenario(
    string Name,
    InvoiceSyntax Syntax,
    string SpecificationId,
    bool XRechnungRules,
    IReadOnlyDictionary<string, string> CustomLevels)
{
    public const string CiusId = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
    public const string ExtensionId = CiusId + "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0";
    public const string CvdId = CiusId + "#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9";
    public const string En16931Id = "urn:cen.eu:en16931:2017";

    private static Dictionary<string, string> Levels(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static readonly string[] UblStandard = ["BR-CL-23=warning", "BR-CL-21=warning", "UBL-CR-646=error"];
    private static readonly string[] UblExtension = ["BR-CL-21=information", "BR-CL-23=warning", "BR-CL-24=information", "BR-CL-10=information",
        "BR-CL-11=information", "BR-CL-25=information", "BR-CL-26=information", "BR-CO-16=information", "UBL-CR-470=information", "UBL-CR-646=information"];
    private static readonly string[] UblCvd = ["BR-CL-13=information", "BR-CL-23=warning", "BR-CL-21=warning", "UBL-CR-646=error"];
    private static readonly string[] CiiStandard = ["BR-CL-23=warning", "BR-CL-21=warning", "CII-SR-452=error", "CII-SR-453=error", "CII-SR-454=error"];
    private static readonly string[] CiiExtension = ["BR-CL-23=warning", "BR-CL-21=information", "BR-CL-11=information", "BR-CL-10=information",
        "BR-CL-24=information", "BR-CL-25=information", "BR-CL-26=information", "CII-SR-452=error", "CII-SR-453=error", "CII-SR-454=error"];
    private static readonly string[] CiiCvd = ["BR-CL-13=information", "BR-CL-23=warning", "BR-CL-21=warning", "CII-SR-452=error", "CII-SR-453=error", "CII-SR-454=error"];

    /// <summary>The scenarios in the order of the KoSIT configuration (XRechnung 3.0.x, CEN rules 1.3.x).</summary>
    public static IReadOnlyList<XRechnungScenario> All { get; } =
    [
        new("EN16931 XRechnung (UBL Invoice)", InvoiceSyntax.UblInvoice, CiusId, true, Levels(UblStandard)),
        new("EN16931 XRechnung Extension (UBL Invoice)", InvoiceSyntax.UblInvoice, ExtensionId, true, Levels(UblExtension)),
        new("EN16931 XRechnung CVD (UBL Invoice)", InvoiceSyntax.UblInvoice, CvdId, true, Levels(UblCvd)),
        new("EN16931 XRechnung (UBL CreditNote)", InvoiceSyntax.UblCreditNote, CiusId, true, Levels("BR-CL-23=warning", "BR-CL-21=warning")),
        new("EN16931 XRechnung CVD (UBL CreditNote)", InvoiceSyntax.UblCreditNote, CvdId, true, Levels(UblCvd)),
        new("EN16931 XRechnung (CII)", InvoiceSyntax.Cii, CiusId, true, Levels(CiiStandard)),
        new("EN16931 XRechnung Extension (CII)", InvoiceSyntax.Cii, ExtensionId, true, Levels(CiiExtension)),
        new("EN16931 XRechnung CVD (CII)", InvoiceSyntax.Cii, CvdId, true, Levels(CiiCvd)),
        new("EN16931 (UBL Invoice)", InvoiceSyntax.UblInvoice, En16931Id, false, Levels()),
        new("EN16931 (UBL CreditNote)", InvoiceSyntax.UblCreditNote, En16931Id, false, Levels()),
        new("EN16931 (CII)", InvoiceSyntax.Cii, En16931Id, false, Levels()),
    ];

    /// <summary>The scenario for a syntax and specification identifier (exact match, as in the KoSIT configuration), or null.</summary>
    public static XRechnungScenario? Find(InvoiceSyntax syntax, string? specificationId) =>
        All.FirstOrDefault(s => s.Syntax == syntax && s.SpecificationId == specificationId);

    /// <summary>The level a message of <paramref name="ruleId"/> has in this scenario: the custom level, else its flag (fatal → error).</summary>
    public string LevelOf(string? ruleId, string flag)
    {
        if (ruleId is not null && CustomLevels.TryGetValue(ruleId, out var custom)) return custom;
        return flag switch { "fatal" or "error" => "error", "warning" => "warning", "information" or "info" => "information", _ => "error" };
    }
}
