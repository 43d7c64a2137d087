using EGov.Workflows.Activities.ERechnung.Validation;

namespace EGov.Workflows.Activities.ERechnung.Tests;

/// <summary>The shared XRechnung corpus and the validator over it (Saxon-HE from Debian's libsaxonhe-java; ./test.sh installs it).</summary>
public static class Corpus
{
    public static XRechnungResources Resources { get; } = XRechnungResources.Locate()
        ?? throw new InvalidOperationException("shared/corpora/xrechnung not found above the test's folder (or set EGOV_XRECHNUNG_DIR)");

    public static XRechnungValidator Validator { get; } = new(Resources);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Resources.Directory, .. parts]);

    /// <summary>The validator configuration's build placeholders, as its build fills them (XRechnung 3.0).</summary>
    public static string FillPlaceholders(string xml) => xml
        .Replace("@xrechnung.spec.id@", XRechnungScenario.CiusId, StringComparison.Ordinal)
        .Replace("@xrechnung.extension.id@", XRechnungScenario.ExtensionId, StringComparison.Ordinal)
        .Replace("@xrechnung.cvd.id@", XRechnungScenario.CvdId, StringComparison.Ordinal);
}
