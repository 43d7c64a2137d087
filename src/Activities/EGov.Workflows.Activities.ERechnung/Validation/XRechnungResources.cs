namespace EGov.Workflows.Activities.ERechnung.Validation;

/// <summary>
/// The validation artefacts in one folder, laid out as the shared corpus <c>corpora/xrechnung</c>: the UBL 2.1 and CII D16B
/// schemas, the EN 16931 Schematron (preprocessed, with code lists) and the XRechnung Schematron; and the external XSLT 2.0
/// processor (Saxon-HE on Java) that runs the rules.
/// </summary>
public sealed record XRechnungResources(string Directory, string Java, string SaxonJar)
{
    /// <summary>Debian's <c>libsaxonhe-java</c> puts Saxon-HE here.</summary>
    public const string DebianSaxonJar = "/usr/share/java/Saxon-HE.jar";

    public string UblInvoiceXsd => Path.Combine(Directory, "schemas", "ubl-2.1", "xsd", "maindoc", "UBL-Invoice-2.1.xsd");
    public string UblCreditNoteXsd => Path.Combine(Directory, "schemas", "ubl-2.1", "xsd", "maindoc", "UBL-CreditNote-2.1.xsd");
    public string CiiXsd => Path.Combine(Directory, "schemas", "cii-d16b", "CII", "uncefact", "data", "standard", "CrossIndustryInvoice_100pD16B.xsd");
    public string En16931Ubl => Path.Combine(Directory, "en16931", "ubl", "schematron", "preprocessed", "EN16931-UBL-validation-preprocessed.sch");
    public string En16931Cii => Path.Combine(Directory, "en16931", "cii", "schematron", "preprocessed", "EN16931-CII-validation-preprocessed.sch");
    public string XRechnungUbl => Path.Combine(Directory, "schematron", "src", "validation", "schematron", "ubl", "XRechnung-UBL-validation.sch");
    public string XRechnungCii => Path.Combine(Directory, "schematron", "src", "validation", "schematron", "cii", "XRechnung-CII-validation.sch");

    public string Xsd(InvoiceSyntax syntax) => syntax switch
    {
        InvoiceSyntax.UblInvoice => UblInvoiceXsd,
        InvoiceSyntax.UblCreditNote => UblCreditNoteXsd,
        _ => CiiXsd,
    };

    /// <summary>The Schematron files of a scenario, in the order KoSIT runs them (EN 16931 first).</summary>
    public IReadOnlyList<string> Schematrons(XRechnungScenario scenario)
    {
        var ubl = scenario.Syntax != InvoiceSyntax.Cii;
        var en = ubl ? En16931Ubl : En16931Cii;
        return scenario.XRechnungRules ? [en, ubl ? XRechnungUbl : XRechnungCii] : [en];
    }

    /// <summary>Every file the validation needs that is missing (empty when complete).</summary>
    public IReadOnlyList<string> Missing() =>
        new[] { UblInvoiceXsd, UblCreditNoteXsd, CiiXsd, En16931Ubl, En16931Cii, XRechnungUbl, XRechnungCii, SaxonJar }
            .Where(f => !File.Exists(f)).ToList();

    /// <summary>
    /// The resources from the given folder, else <c>EGOV_XRECHNUNG_DIR</c>, else <c>shared/corpora/xrechnung</c> in a folder
    /// above the working or the program's directory; Saxon from <paramref name="saxonJar"/>, <c>EGOV_SAXON_JAR</c> or Debian's
    /// place; Java from <c>EGOV_JAVA</c> or <c>java</c> on the PATH. Null when no folder is found.
    /// </summary>
    public static XRechnungResources? Locate(string? directory = null, string? saxonJar = null, string? java = null)
    {
        directory ??= Environment.GetEnvironmentVariable("EGOV_XRECHNUNG_DIR") is { Length: > 0 } env ? env : FindShared();
        if (directory is null) return null;
        saxonJar ??= Environment.GetEnvironmentVariable("EGOV_SAXON_JAR") is { Length: > 0 } jar ? jar : DebianSaxonJar;
        java ??= Environment.GetEnvironmentVariable("EGOV_JAVA") is { Length: > 0 } j ? j : "java";
        return new XRechnungResources(Path.GetFullPath(directory), java, saxonJar);
    }

    private static string? FindShared()
    {
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "corpora", "xrechnung");
                if (System.IO.Directory.Exists(Path.Combine(candidate, "schematron"))) return candidate;
            }
        return null;
    }
}
