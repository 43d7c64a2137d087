using System.Xml;
using System.Xml.Linq;

namespace EGov.Workflows.Activities.ERechnung.Validation;

/// <summary>
/// Compiles an ISO Schematron schema (query binding <c>xslt2</c>) into an XSLT 2.0 stylesheet, which an XSLT 2.0
/// processor (Saxon-HE) then runs against the document. The compiler only translates; every rule's XPath is evaluated by
/// the processor, so no rule is interpreted or left out here. Supported: <c>ns</c>, <c>include</c> (of a pattern or rule),
/// schema- and pattern-level <c>let</c> (global variables), rule-level <c>let</c>, <c>pattern</c>, <c>rule</c>,
/// <c>assert</c>, <c>report</c> with <c>value-of</c> and <c>name</c> in messages, the <c>defaultPhase</c>, and XSLT
/// functions and keys written into the schema. Abstract rules and patterns, <c>extends</c> and <c>param</c> are refused
/// with a <see cref="SchematronException"/> rather than ignored.
/// </summary>
/// <remarks>
/// The stylesheet writes one line per failed assertion or successful report, tab-separated:
/// <c>flag, id, location, message</c> (message with normalised white space), in document order per pattern.
/// As in the ISO reference implementation, every pattern is a mode; within a pattern a node is matched by the first rule
/// whose context fits (priorities in document order), and the rules see elements and attributes.
/// </remarks>
public static class SchematronCompiler
{
    public const string SchematronNamespace = "http://purl.oclc.org/dsdl/schematron";
    private const string XslNamespace = "http://www.w3.org/1999/XSL/Transform";
    private const string OwnNamespace = "urn:egov-workflows:schematron";
    private static readonly XNamespace Sch = SchematronNamespace;
    private static readonly XNamespace Xsl = XslNamespace;

    /// <summary>Compiles the schema in <paramref name="schematronFile"/> (its includes resolved relative to it).</summary>
    public static XDocument Compile(string schematronFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(schematronFile);
        var schema = Load(schematronFile);
        if (schema.Name != Sch + "schema")
            throw new SchematronException($"{schematronFile}: the root element is {schema.Name.LocalName}, not a Schematron schema");
        var binding = (string?)schema.Attribute("queryBinding") ?? "xslt";
        if (binding is not ("xslt2" or "xslt3"))
            throw new SchematronException($"{schematronFile}: query binding '{binding}' is not supported (xslt2 or xslt3)");
        Resolve(schema, Path.GetDirectoryName(Path.GetFullPath(schematronFile))!);
        foreach (var unsupported in schema.Descendants().Where(e => e.Name.Namespace == Sch && e.Name.LocalName is "extends" or "param"))
            throw new SchematronException($"{schematronFile}: <{unsupported.Name.LocalName}> (abstract patterns and rules) is not supported");
        if (schema.Descendants().Any(e => (string?)e.Attribute("abstract") == "true"))
            throw new SchematronException($"{schematronFile}: abstract patterns and rules are not supported");

        var stylesheet = new XElement(Xsl + "stylesheet",
            new XAttribute("version", "2.0"),
            new XAttribute(XNamespace.Xmlns + "xsl", XslNamespace),
            new XAttribute(XNamespace.Xmlns + "xs", "http://www.w3.org/2001/XMLSchema"),
            new XAttribute(XNamespace.Xmlns + "egovsch", OwnNamespace),
            new XAttribute("exclude-result-prefixes", "#all"));
        foreach (var ns in schema.Elements(Sch + "ns"))
        {
            var prefix = Required(ns, "prefix");
            if (prefix is "xsl" or "egovsch") throw new SchematronException($"{schematronFile}: the prefix '{prefix}' is reserved");
            if (prefix == "xs") continue;
            stylesheet.Add(new XAttribute(XNamespace.Xmlns + prefix, Required(ns, "uri")));
        }
        // Namespace declarations the schema makes in XML itself (e.g. xmlns:u for its functions) are in scope for XPath too.
        foreach (var declared in schema.Attributes().Where(a => a.IsNamespaceDeclaration && a.Name.Namespace == XNamespace.Xmlns))
            if (stylesheet.Attribute(XNamespace.Xmlns + declared.Name.LocalName) is null && declared.Name.LocalName is not ("xsl" or "egovsch"))
                stylesheet.Add(new XAttribute(XNamespace.Xmlns + declared.Name.LocalName, declared.Value));

        stylesheet.Add(new XElement(Xsl + "output", new XAttribute("method", "text"), new XAttribute("encoding", "UTF-8")));
        foreach (var foreign in schema.Elements().Where(e => e.Name.Namespace == Xsl))
            stylesheet.Add(new XElement(foreign));
        stylesheet.Add(LocationFunction());
        stylesheet.Add(new XElement(Xsl + "variable", new XAttribute("name", "egovsch-tab"), new XAttribute("select", "codepoints-to-string(9)")));
        stylesheet.Add(new XElement(Xsl + "variable", new XAttribute("name", "egovsch-newline"), new XAttribute("select", "codepoints-to-string(10)")));

        var patterns = ActivePatterns(schema, schematronFile);
        foreach (var let in schema.Elements(Sch + "let")) stylesheet.Add(Variable(let));
        foreach (var pattern in patterns)
            foreach (var let in pattern.Elements(Sch + "let")) stylesheet.Add(Variable(let));

        var root = new XElement(Xsl + "template", new XAttribute("match", "/"));
        for (var i = 0; i < patterns.Count; i++)
            root.Add(new XElement(Xsl + "apply-templates", new XAttribute("select", "/"), new XAttribute("mode", Mode(i))));
        stylesheet.Add(root);

        for (var i = 0; i < patterns.Count; i++)
        {
            var rules = patterns[i].Elements(Sch + "rule").ToList();
            for (var j = 0; j < rules.Count; j++) stylesheet.Add(RuleTemplate(rules[j], Mode(i), 1000 - j, schematronFile));
            stylesheet.Add(new XElement(Xsl + "template", new XAttribute("match", "text()"), new XAttribute("priority", "-1"), new XAttribute("mode", Mode(i))));
            stylesheet.Add(new XElement(Xsl + "template", new XAttribute("match", "@*|node()"), new XAttribute("priority", "-2"), new XAttribute("mode", Mode(i)),
                new XElement(Xsl + "apply-templates", new XAttribute("select", "@*|*"), new XAttribute("mode", Mode(i)))));
        }
        return new XDocument(stylesheet);
    }

    private static string Mode(int pattern) => "egovsch:M" + pattern;

    private static List<XElement> ActivePatterns(XElement schema, string file)
    {
        var all = schema.Elements(Sch + "pattern").ToList();
        var phase = (string?)schema.Attribute("defaultPhase");
        if (phase is null or "#ALL") return all;
        var declared = schema.Elements(Sch + "phase").FirstOrDefault(p => (string?)p.Attribute("id") == phase)
            ?? throw new SchematronException($"{file}: the default phase '{phase}' is not declared");
        var active = declared.Elements(Sch + "active").Select(a => (string?)a.Attribute("pattern")).ToHashSet();
        return all.Where(p => active.Contains((string?)p.Attribute("id"))).ToList();
    }

    private static XElement RuleTemplate(XElement rule, string mode, int priority, string file)
    {
        var template = new XElement(Xsl + "template",
            new XAttribute("match", Required(rule, "context")), new XAttribute("priority", priority), new XAttribute("mode", mode));
        foreach (var child in rule.Elements())
        {
            if (child.Name == Sch + "let") template.Add(Variable(child));
            else if (child.Name == Sch + "assert") template.Add(Check(child, $"not({Required(child, "test")})"));
            else if (child.Name == Sch + "report") template.Add(Check(child, Required(child, "test")));
            else if (child.Name.Namespace == Sch && child.Name.LocalName is not ("title" or "p"))
                throw new SchematronException($"{file}: <{child.Name.LocalName}> in a rule is not supported");
        }
        template.Add(new XElement(Xsl + "apply-templates", new XAttribute("select", "@*|*"), new XAttribute("mode", mode)));
        return template;
    }

    private static XElement Check(XElement check, string fires)
    {
        var flag = (string?)check.Attribute("flag") ?? (string?)check.Attribute("role") ?? "error";
        var id = (string?)check.Attribute("id") ?? "";
        var message = new XElement(Xsl + "variable", new XAttribute("name", "egovsch-message"));
        AddMessage(message, check);
        return new XElement(Xsl + "if", new XAttribute("test", fires),
            message,
            new XElement(Xsl + "value-of", new XAttribute("select",
                $"concat({Literal(flag)}, $egovsch-tab, {Literal(id)}, $egovsch-tab, egovsch:location(.), $egovsch-tab, normalize-space($egovsch-message), $egovsch-newline)")));
    }

    private static void AddMessage(XElement target, XElement source)
    {
        foreach (var node in source.Nodes())
        {
            switch (node)
            {
                case XText text:
                    target.Add(new XElement(Xsl + "text", text.Value));
                    break;
                case XElement { Name.LocalName: "value-of" } valueOf when valueOf.Name.Namespace == Sch:
                    target.Add(new XElement(Xsl + "value-of", new XAttribute("select", Required(valueOf, "select"))));
                    break;
                case XElement { Name.LocalName: "name" } name when name.Name.Namespace == Sch:
                    target.Add(new XElement(Xsl + "value-of", new XAttribute("select", $"name({(string?)name.Attribute("path") ?? "."})")));
                    break;
                case XElement other:
                    AddMessage(target, other);
                    break;
            }
        }
    }

    private static XElement Variable(XElement let) =>
        new(Xsl + "variable", new XAttribute("name", Required(let, "name")), new XAttribute("select", Required(let, "value")));

    /// <summary>An XPath string literal for any text (quotes doubled, as XPath 2.0 allows).</summary>
    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    /// <summary>egovsch:location(node): a readable XPath of the node with names and positions, e.g. /Invoice[1]/cac:Item[2]/@schemeID.</summary>
    private static XElement LocationFunction() =>
        new(Xsl + "function", new XAttribute("name", "egovsch:location"), new XAttribute("as", "xs:string"),
            new XElement(Xsl + "param", new XAttribute("name", "node")),
            new XElement(Xsl + "sequence", new XAttribute("select",
                "concat(string-join(for $e in $node/ancestor-or-self::* return concat('/', name($e), '[', count($e/preceding-sibling::*[node-name(.) = node-name($e)]) + 1, ']'), ''), " +
                "if ($node instance of attribute()) then concat('/@', name($node)) else '')")));

    private static string Required(XElement element, string attribute) =>
        (string?)element.Attribute(attribute)
        ?? throw new SchematronException($"<{element.Name.LocalName}> without the attribute '{attribute}' (line {((IXmlLineInfo)element).LineNumber})");

    private static XElement Load(string file)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(file, settings);
        return XDocument.Load(reader, LoadOptions.SetLineInfo).Root ?? throw new SchematronException($"{file}: empty");
    }

    /// <summary>Replaces every <c>include</c> with the element of the file it names (recursively, relative to the including file).</summary>
    private static void Resolve(XElement element, string directory, int depth = 0)
    {
        if (depth > 10) throw new SchematronException("includes nested deeper than 10 levels");
        foreach (var include in element.Descendants(Sch + "include").ToList())
        {
            var path = Path.GetFullPath(Path.Combine(directory, Required(include, "href")));
            if (!File.Exists(path)) throw new SchematronException($"included file not found: {path}");
            var included = Load(path);
            Resolve(included, Path.GetDirectoryName(path)!, depth + 1);
            // Namespace declarations of the included file stay with its elements (XElement copies them on Add).
            include.ReplaceWith(included);
        }
    }
}

/// <summary>A Schematron schema that cannot be compiled (unsupported construct, missing file or attribute).</summary>
public sealed class SchematronException(string message) : Exception(message);
