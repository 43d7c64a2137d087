using EGov.Workflows.Activities.ERechnung.Validation;

namespace EGov.Workflows.Activities.ERechnung.Tests;

/// <summary>
/// The validation against KoSIT's own test material in the shared corpus: every invoice of the XRechnung testsuite is
/// valid; every mutation of the Schematron and validator-configuration test instances fires exactly the rules it names.
/// </summary>
public sealed class KoSitTestsuiteTests
{
    [Fact]
    public async Task EveryInvoiceOfTheXRechnungTestsuite_IsValid()
    {
        var files = Directory.GetFiles(Corpus.Path("testsuite", "src", "test"), "*.xml", SearchOption.AllDirectories).Order().ToList();
        files.Count.ShouldBeGreaterThan(30);
        var results = await Corpus.Validator.ValidateAsync(files.Select(f => (f, File.ReadAllBytes(f))).ToList());
        var invalid = results.Where(r => !r.IsValid)
            .Select(r => $"{Path.GetFileName(r.Name)}: {r.Outcome} {string.Join("; ", r.Errors.Select(e => e.RuleId + " " + e.Text))}").ToList();
        invalid.ShouldBeEmpty();
        results.Select(r => r.Scenario!.Syntax).Distinct().Count().ShouldBeGreaterThanOrEqualTo(2, "UBL and CII both covered");
    }

    /// <summary>
    /// The XRechnung release merges 32 rules of Peppol BIS Billing 3.0 (PEPPOL-EN16931-R*, listed in schematron/src/xsl/rule-list.xml)
    /// into its UBL rules at build time; their Schematron source is not in the corpus, so they are not run, and expectations
    /// about them are left out here (and counted). The validator configuration's folder "unexpected" holds KoSIT's cases of
    /// known unexpected behaviour and "integration" has no mutations; neither is asserted.
    /// </summary>
    private static bool NotInCorpus(string rule) => rule.StartsWith("PEPPOL-EN16931-", StringComparison.Ordinal);

    [Theory]
    [InlineData("schematron", "test", "instances")]
    [InlineData("validator-configuration", "src", "test", "cen-unit-test")]
    public async Task EveryMutationOfTheKoSitTestInstances_FiresExactlyTheRulesItExpects(params string[] folder)
    {
        var dir = Corpus.Path(folder);
        var mutants = Directory.GetFiles(dir, "*.xml", SearchOption.AllDirectories).Order().SelectMany(XmlMutate.Mutants).ToList();
        mutants.Count.ShouldBeGreaterThan(80);
        var results = await Corpus.Validator.ValidateAsync(mutants.Select(m => (m.ToString(), m.Content)).ToList());
        var wrong = new List<string>();
        for (var i = 0; i < mutants.Count; i++)
        {
            var fired = results[i].Messages.Select(m => m.RuleId).ToHashSet();
            foreach (var rule in mutants[i].MustFire.Where(r => !NotInCorpus(r) && !fired.Contains(r)))
                wrong.Add($"{mutants[i]}: {rule} expected to fire, fired: {string.Join(", ", fired)}");
            foreach (var rule in mutants[i].MustNotFire.Where(fired.Contains))
                wrong.Add($"{mutants[i]}: {rule} fired, expected not to: {results[i].Messages.First(m => m.RuleId == rule).Text}");
        }
        wrong.ShouldBeEmpty($"{wrong.Count} of {mutants.Count} mutants wrong");
    }

    [Fact]
    public async Task AnInvalidInvoice_IsRejectedWithTheRuleIdAndMessage()
    {
        var file = Corpus.Path("testsuite", "src", "test", "business-cases", "standard", "01.01a-INVOICE_ubl.xml");
        var xml = File.ReadAllText(file);
        var start = xml.IndexOf("<cbc:BuyerReference>", StringComparison.Ordinal);
        var end = xml.IndexOf("</cbc:BuyerReference>", start, StringComparison.Ordinal) + "</cbc:BuyerReference>".Length;
        var withoutLeitwegId = xml.Remove(start, end - start);

        var result = await Corpus.Validator.ValidateAsync("ohne-leitweg-id.xml", System.Text.Encoding.UTF8.GetBytes(withoutLeitwegId));

        result.Outcome.ShouldBe(InvoiceOutcome.Invalid);
        var error = result.Errors.ShouldHaveSingleItem();
        error.RuleId.ShouldBe("BR-DE-15");
        error.Text.ShouldStartWith("[BR-DE-15] Das Element \"Buyer reference\" (BT-10) muss übermittelt werden.");
        error.Location.ShouldBe("/ubl:Invoice[1]");
    }

    [Fact]
    public async Task ASchemaViolation_IsAnXsdError()
    {
        var file = Corpus.Path("testsuite", "src", "test", "business-cases", "standard", "01.01a-INVOICE_ubl.xml");
        var xml = File.ReadAllText(file).Replace("<cbc:IssueDate>", "<cbc:Unbekannt>x</cbc:Unbekannt><cbc:IssueDate>", StringComparison.Ordinal);
        var result = await Corpus.Validator.ValidateAsync("xsd.xml", System.Text.Encoding.UTF8.GetBytes(xml));
        result.Outcome.ShouldBe(InvoiceOutcome.Invalid);
        result.Errors.ShouldContain(e => e.RuleId == "XSD" && e.Text.Contains("Unbekannt"));
    }

    [Theory]
    [InlineData("bin001.xml")]
    [InlineData("ubl007.xml")]
    public async Task ABinaryOrTruncatedFile_IsNotAnInvoice(string name)
    {
        var result = await Corpus.Validator.ValidateAsync(name, File.ReadAllBytes(Corpus.Path("validator-configuration", "src", "test", "instances", name)));
        result.Outcome.ShouldBe(InvoiceOutcome.NotAnInvoice);
        result.Messages.ShouldHaveSingleItem().Text.ShouldStartWith("kein wohlgeformtes XML");
    }

    [Fact]
    public async Task AnInvoiceOfAnotherSpecification_IsInvalid_AndCheckedWithTheXRechnungRulesAllTheSame()
    {
        var xml = File.ReadAllText(Corpus.Path("testsuite", "src", "test", "business-cases", "standard", "01.01a-INVOICE_ubl.xml"))
            .Replace(XRechnungScenario.CiusId, "urn:example:andere-spezifikation", StringComparison.Ordinal);
        var result = await Corpus.Validator.ValidateAsync("x.xml", System.Text.Encoding.UTF8.GetBytes(xml));
        result.Outcome.ShouldBe(InvoiceOutcome.Invalid);
        result.Messages[0].RuleId.ShouldBe("Szenario");
        result.Messages[0].Text.ShouldContain("urn:example:andere-spezifikation");
        result.Messages.ShouldContain(m => m.RuleId == "BR-DE-21");
    }
}
