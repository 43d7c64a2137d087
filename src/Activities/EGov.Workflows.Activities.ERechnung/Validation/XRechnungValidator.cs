using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace EGov.Workflows.Activities.ERechnung.Validation;

/// <summary>What a validation found for one document.</summary>
public enum InvoiceOutcome
{
    /// <summary>An invoice of a known scenario without any message of level error.</summary>
    Valid,
    /// <summary>An invoice of a known scenario with at least one error (XSD or a rule of level error).</summary>
    Invalid,
    /// <summary>Not well-formed XML, or no UBL/CII invoice of a known specification (BT-24).</summary>
    NotAnInvoice,
}

/// <summary>One message: from the XML schema (<c>RuleId</c> "XSD") or a Schematron rule (its id, e.g. BR-DE-15).</summary>
public sealed record ValidationMessage(string RuleId, string Level, string Text, string? Location);

/// <summary>The result for one document.</summary>
public sealed record InvoiceValidation(string Name, InvoiceOutcome Outcome, XRechnungScenario? Scenario, IReadOnlyList<ValidationMessage> Messages)
{
    public IEnumerable<ValidationMessage> Errors => Messages.Where(m => m.Level == "error");
    public bool IsValid => Outcome == InvoiceOutcome.Valid;
}

/// <summary>
/// Validates e-invoices as the KoSIT validator does with its XRechnung configuration: the document's scenario by syntax and
/// specification identifier, the XML schema (.NET's XSD validator), then every Schematron rule of the EN 16931 and the
/// XRechnung rule sets, compiled to XSLT 2.0 (<see cref="SchematronCompiler"/>) and run by Saxon-HE on Java in one process
/// per rule set and batch. Valid means: no message of level error after the scenario's custom levels.
/// </summary>
public sealed class XRechnungValidator
{
    private const string CompilerVersion = "1";
    private static readonly ConcurrentDictionary<string, XmlSchemaSet> Schemas = new();
    private readonly XRechnungResources _resources;

    public XRechnungValidator(XRechnungResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        _resources = resources;
        var missing = resources.Missing();
        if (missing.Count > 0)
            throw new XRechnungSetupException("Für die XRechnung-Prüfung fehlt: " + string.Join(", ", missing)
                + (missing.Contains(resources.SaxonJar) ? " (Saxon-HE: apt-get install libsaxonhe-java)" : ""));
    }

    /// <summary>Validates one document.</summary>
    public Task<InvoiceValidation> ValidateAsync(string name, byte[] content, CancellationToken cancellationToken = default) =>
        ValidateAsync([(name, content)], cancellationToken).ContinueWith(t => t.Result[0], cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>Validates several documents; the rules run in one Saxon process per rule set for all of them.</summary>
    public async Task<IReadOnlyList<InvoiceValidation>> ValidateAsync(IReadOnlyList<(string Name, byte[] Content)> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var results = new InvoiceValidation?[documents.Count];
        var messages = new List<ValidationMessage>[documents.Count];
        var scenarios = new XRechnungScenario?[documents.Count];
        var bySchematron = new Dictionary<string, List<int>>();
        for (var i = 0; i < documents.Count; i++)
        {
            var (name, content) = documents[i];
            var (document, problem) = Parse(content);
            if (document is null) { results[i] = new(name, InvoiceOutcome.NotAnInvoice, null, [new("XML", "error", problem!, null)]); continue; }
            var (scenario, why) = Classify(document);
            messages[i] = [];
            if (scenario is null)
            {
                var syntax = SyntaxOf(document.Root!);
                if (syntax is null) { results[i] = new(name, InvoiceOutcome.NotAnInvoice, null, [new("Szenario", "error", why!, null)]); continue; }
                // A UBL or CII invoice with a specification identifier (BT-24) of no known scenario: checked with the
                // XRechnung rules all the same, so the sender learns every rule it breaks (BR-DE-21 among them); never valid.
                messages[i].Add(new("Szenario", "error", why!, null));
                scenario = XRechnungScenario.Find(syntax.Value, XRechnungScenario.CiusId)!;
            }
            scenarios[i] = scenario;
            messages[i].AddRange(ValidateSchema(content, scenario.Syntax));
            foreach (var sch in _resources.Schematrons(scenario))
            {
                if (!bySchematron.TryGetValue(sch, out var list)) bySchematron[sch] = list = [];
                list.Add(i);
            }
        }

        foreach (var (schematron, indexes) in bySchematron)
        {
            var fired = await RunSchematronAsync(schematron, indexes.Select(i => documents[i].Content).ToList(), cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < indexes.Count; k++)
            {
                var i = indexes[k];
                foreach (var (flag, id, location, text) in fired[k])
                    messages[i].Add(new(id, scenarios[i]!.LevelOf(id, flag), text, location));
            }
        }

        for (var i = 0; i < documents.Count; i++)
        {
            if (results[i] is not null) continue;
            var outcome = messages[i].Any(m => m.Level == "error") ? InvoiceOutcome.Invalid : InvoiceOutcome.Valid;
            results[i] = new(documents[i].Name, outcome, scenarios[i], messages[i]);
        }
        return results!;
    }

    private static (XDocument? Document, string? Problem) Parse(byte[] content)
    {
        try
        {
            using var stream = new MemoryStream(content);
            using var reader = XmlReader.Create(stream, SafeSettings());
            return (XDocument.Load(reader, LoadOptions.None), null);
        }
        catch (XmlException e) { return (null, $"kein wohlgeformtes XML: {e.Message}"); }
    }

    private static XmlReaderSettings SafeSettings() => new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 50_000_000 };

    /// <summary>The scenario of a parsed document, or why it has none.</summary>
    public static (XRechnungScenario? Scenario, string? Why) Classify(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root!;
        var syntax = SyntaxOf(root);
        if (syntax is null) return (null, $"keine Rechnung: das Wurzelelement {root.Name} ist weder UBL Invoice/CreditNote noch CII CrossIndustryInvoice");
        var id = InvoiceXml.SpecificationId(root, syntax.Value);
        var scenario = XRechnungScenario.Find(syntax.Value, id);
        return scenario is null
            ? (null, $"keine Rechnung nach XRechnung 3.0 oder EN 16931: unbekannte Spezifikationskennung (BT-24) '{id ?? "(fehlt)"}'")
            : (scenario, null);
    }

    private static InvoiceSyntax? SyntaxOf(XElement root) => root.Name.ToString() switch
    {
        "{" + InvoiceXml.UblInvoice + "}Invoice" => InvoiceSyntax.UblInvoice,
        "{" + InvoiceXml.UblCreditNote + "}CreditNote" => InvoiceSyntax.UblCreditNote,
        "{" + InvoiceXml.Rsm + "}CrossIndustryInvoice" => InvoiceSyntax.Cii,
        _ => null,
    };

    private List<ValidationMessage> ValidateSchema(byte[] content, InvoiceSyntax syntax)
    {
        var set = Schemas.GetOrAdd(_resources.Xsd(syntax), f => LoadSchema(f, Path.Combine(_resources.Directory, "schemas")));
        var found = new List<ValidationMessage>();
        var settings = SafeSettings();
        settings.ValidationType = ValidationType.Schema;
        settings.Schemas = set;
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) =>
        {
            if (found.Count < 50 && e.Severity == XmlSeverityType.Error)
                found.Add(new("XSD", "error", e.Message, $"Zeile {e.Exception.LineNumber}, Spalte {e.Exception.LinePosition}"));
        };
        using var stream = new MemoryStream(content);
        using var reader = XmlReader.Create(stream, settings);
        try { while (reader.Read()) { } }
        catch (XmlException e) { found.Add(new("XSD", "error", e.Message, $"Zeile {e.LineNumber}, Spalte {e.LinePosition}")); }
        return found;
    }

    private static XmlSchemaSet LoadSchema(string file, string root)
    {
        // The schemas import each other by relative path: a resolver that reads files, but only below the schema folder.
        var set = new XmlSchemaSet { XmlResolver = new LocalFileResolver(root) };
        using (var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
            set.Add(null, reader);
        set.Compile();
        return set;
    }

    /// <summary>Compiles (once per file version) and runs one Schematron rule set over the documents with Saxon.</summary>
    private async Task<List<List<(string Flag, string Id, string Location, string Text)>>> RunSchematronAsync(
        string schematron, IReadOnlyList<byte[]> documents, CancellationToken cancellationToken)
    {
        var xsl = CompiledStylesheet(schematron);
        var work = Directory.CreateTempSubdirectory("egov-xrechnung-");
        try
        {
            var input = Directory.CreateDirectory(Path.Combine(work.FullName, "in"));
            var output = Directory.CreateDirectory(Path.Combine(work.FullName, "out"));
            for (var i = 0; i < documents.Count; i++)
                await File.WriteAllBytesAsync(Path.Combine(input.FullName, $"{i:D5}.xml"), documents[i], cancellationToken).ConfigureAwait(false);
            var (exit, stderr) = await RunSaxonAsync(xsl, input.FullName, output.FullName, cancellationToken).ConfigureAwait(false);
            var results = new List<List<(string, string, string, string)>>();
            for (var i = 0; i < documents.Count; i++)
            {
                var file = Path.Combine(output.FullName, $"{i:D5}.xml");
                if (!File.Exists(file))
                {
                    // A rule's XPath failed on this document (e.g. a value that cannot be cast): the check did not complete,
                    // so the document is not valid. Saxon names the file on the line "While processing NNNNN.xml: ...".
                    var marker = $"While processing {i:D5}.xml: ";
                    var line = stderr.Split('\n').FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
                    if (line is null && exit != 0 && !stderr.Contains("While processing", StringComparison.Ordinal))
                        throw new XRechnungSetupException($"Saxon hat die Regeln {Path.GetFileName(schematron)} nicht ausgeführt (Exit {exit}): {Shorten(stderr)}");
                    results.Add([("fatal", "Regelprüfung", "/", $"Die Regeln {Path.GetFileName(schematron)} ließen sich auf das Dokument nicht anwenden: {line?[marker.Length..] ?? "(ohne Meldung)"}")]);
                    continue;
                }
                var lines = await File.ReadAllLinesAsync(file, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
                results.Add(lines.Where(l => l.Length > 0).Select(l => l.Split('\t', 4)).Where(p => p.Length == 4)
                    .Select(p => (p[0], p[1], p[2], p[3])).ToList());
            }
            return results;
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Shorten(string text) => text.Length > 2000 ? text[..2000] + " …" : text.Trim();

    private async Task<(int Exit, string Stderr)> RunSaxonAsync(string xsl, string input, string output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_resources.Java)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // A short-lived JVM: the client compiler only and a small serial collector start fastest on two cores.
        foreach (var arg in new[] { "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m", "-cp", _resources.SaxonJar, "net.sf.saxon.Transform",
                     $"-xsl:{xsl}", $"-s:{input}", $"-o:{output}", "-quit:on" })
            start.ArgumentList.Add(arg);
        Process process;
        try { process = Process.Start(start) ?? throw new XRechnungSetupException("Java konnte nicht gestartet werden"); }
        catch (System.ComponentModel.Win32Exception e) { throw new XRechnungSetupException($"Java ({_resources.Java}) konnte nicht gestartet werden: {e.Message} (apt-get install default-jre-headless libsaxonhe-java)"); }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            try { await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } throw; }
            await stdout.ConfigureAwait(false);
            return (process.ExitCode, await stderr.ConfigureAwait(false));
        }
    }

    /// <summary>The XSLT of a Schematron file, compiled into a cache folder keyed by the file's content and the compiler's version.</summary>
    private static string CompiledStylesheet(string schematron)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(CompilerVersion + "\n" + Path.GetFullPath(schematron) + "\n" + HashOfTree(schematron))))[..24];
        var cache = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "egov-xrechnung-xsl"));
        var target = Path.Combine(cache.FullName, $"{Path.GetFileNameWithoutExtension(schematron)}-{hash}.xsl");
        if (File.Exists(target)) return target;
        var compiled = SchematronCompiler.Compile(schematron);
        var temp = target + "." + Environment.ProcessId + ".tmp";
        using (var writer = XmlWriter.Create(temp, new XmlWriterSettings { Indent = false, Encoding = new UTF8Encoding(false) }))
            compiled.Save(writer);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    /// <summary>The Schematron file's content and the content of every .sch beside it (its includes).</summary>
    private static string HashOfTree(string schematron)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(schematron))!;
        var parent = Path.GetDirectoryName(dir)!;
        var files = Directory.GetFiles(parent, "*.sch", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        var builder = new StringBuilder();
        foreach (var f in files) builder.Append(f).Append('\n').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))).Append('\n');
        return builder.ToString();
    }

    /// <summary>Resolves schema imports from files below one root folder only (no network, no other files).</summary>
    private sealed class LocalFileResolver(string root) : XmlUrlResolver
    {
        public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            if (!absoluteUri.IsFile || !Path.GetFullPath(absoluteUri.LocalPath).StartsWith(Path.GetFullPath(root), StringComparison.Ordinal))
                throw new XmlException($"schema reference outside the schema folder refused: {absoluteUri}");
            var path = absoluteUri.LocalPath;
            if (!File.ReadAllText(path).Contains("<!DOCTYPE", StringComparison.Ordinal)) return base.GetEntity(absoluteUri, role, ofObjectToReturn);
            // The W3C xmldsig schema the UBL schemas import declares its ds prefix in an internal DTD (no external part):
            // read with the DTD applied, handed on without it.
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = null, MaxCharactersFromEntities = 100_000 };
            using var reader = XmlReader.Create(path, settings);
            var document = XDocument.Load(reader);
            document.DocumentType?.Remove();
            var stream = new MemoryStream();
            document.Save(stream);
            stream.Position = 0;
            return stream;
        }
    }
}

/// <summary>The validation cannot run: a schema, rule file, Java or Saxon is missing or failed.</summary>
public sealed class XRechnungSetupException(string message) : Exception(message);
