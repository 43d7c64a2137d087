using EGov.Workflows.Activities.ERechnung.Validation;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov xrechnung validate FILE...</c>: the Rechnungseingang's check of e-invoices. Each file is validated like the KoSIT
/// validator does (scenario by syntax and BT-24, XML schema, the EN 16931 and XRechnung Schematron rules run by Saxon-HE);
/// prints per file "gültig" or each error with its rule id and message. Exit 0 when every file is a valid invoice, 1 when
/// any is invalid or not an invoice, 2 on wrong usage, 3 when the validation cannot run (rules, Java or Saxon missing).
/// </summary>
public sealed class XRechnungCommand : ICliCommand
{
    public string Name => "xrechnung";
    public string Summary => "validate e-invoices (XRechnung/EN 16931, UBL and CII): XSD and every Schematron rule, run by Saxon-HE";
    public string Usage => "xrechnung validate FILE|DIR... [--schemas DIR] [--saxon JAR] [--warnings]   (DIR: every *.xml in it; rules from DIR or ../shared/corpora/xrechnung)";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0 || args[0] != "validate") throw new UsageException("the subcommand is 'validate'");
        string? schemas = null, saxon = null;
        var warnings = false;
        var files = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--schemas": schemas = ++i < args.Count ? args[i] : throw new UsageException("--schemas needs a folder"); break;
                case "--saxon": saxon = ++i < args.Count ? args[i] : throw new UsageException("--saxon needs the Saxon-HE jar"); break;
                case "--warnings": warnings = true; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"unknown option '{args[i]}'");
                    if (Directory.Exists(args[i])) files.AddRange(Directory.GetFiles(args[i], "*.xml").Order(StringComparer.Ordinal));
                    else files.Add(args[i]);
                    break;
            }
        }
        if (files.Count == 0) throw new UsageException("no file given");
        var resources = XRechnungResources.Locate(schemas, saxon);
        if (resources is null)
        {
            stderr.WriteLine("egov xrechnung: no rule folder found: --schemas DIR, EGOV_XRECHNUNG_DIR or ../shared/corpora/xrechnung");
            return 3;
        }
        var documents = new List<(string, byte[])>();
        var unreadable = new List<string>();
        foreach (var f in files)
        {
            if (File.Exists(f)) documents.Add((f, File.ReadAllBytes(f)));
            else unreadable.Add(f);
        }
        IReadOnlyList<InvoiceValidation> results;
        try { results = new XRechnungValidator(resources).ValidateAsync(documents).GetAwaiter().GetResult(); }
        catch (XRechnungSetupException e) { stderr.WriteLine($"egov xrechnung: {e.Message}"); return 3; }
        catch (SchematronException e) { stderr.WriteLine($"egov xrechnung: Regeln nicht übersetzbar: {e.Message}"); return 3; }

        foreach (var f in unreadable) stdout.WriteLine($"{f}: keine Rechnung: Datei nicht gefunden");
        foreach (var r in results)
        {
            switch (r.Outcome)
            {
                case InvoiceOutcome.Valid:
                    stdout.WriteLine($"{r.Name}: gültig ({r.Scenario!.Name})");
                    break;
                case InvoiceOutcome.Invalid:
                    stdout.WriteLine($"{r.Name}: ungültig ({r.Scenario!.Name})");
                    break;
                default:
                    stdout.WriteLine($"{r.Name}: {r.Messages[0].Text}");
                    break;
            }
            if (r.Outcome == InvoiceOutcome.NotAnInvoice) continue;
            foreach (var m in r.Messages.Where(m => m.Level == "error" || warnings))
            {
                var level = m.Level == "error" ? "" : $"({(m.Level == "warning" ? "Warnung" : "Hinweis")}) ";
                var where = m.Location is null ? "" : $" [{m.Location}]";
                stdout.WriteLine($"  {m.RuleId}: {level}{m.Text}{where}");
            }
        }
        var bad = unreadable.Count + results.Count(r => !r.IsValid);
        stdout.WriteLine($"{results.Count(r => r.IsValid)} gültig, {bad} ungültig oder keine Rechnung");
        return bad == 0 ? 0 : 1;
    }
}
