using System.Xml.Linq;
using EGov.Workflows.Dmn.Model;
using BpmnElement = EGov.Workflows.Model.BpmnElement;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Dmn.Reading;

/// <summary>Maps the XML tree of a DMN file to the typed model; structural problems (a table without inputs' entries) become diagnostics.</summary>
internal sealed class DmnModelBuilder(DiagnosticBag bag)
{
    private XNamespace _ns = DmnNamespaces.Dmn15;

    public DmnDefinitions Build(BpmnElement root)
    {
        _ns = root.Name.Namespace;
        var version = DmnNamespaces.Versions[_ns.NamespaceName];
        return new DmnDefinitions(root.Id, root, root.Attribute("name") ?? "", root.Attribute("namespace") ?? "", version,
            Children(root, "itemDefinition").Select(ItemDefinition).ToArray(),
            Children(root, "inputData").Select(InputData).ToArray(),
            Children(root, "decision").Select(Decision).ToArray(),
            Children(root, "businessKnowledgeModel").Select(Knowledge).ToArray(),
            Children(root, "decisionService").Select(Service).ToArray(),
            Children(root, "import").Select(Import).ToArray());
    }

    private IEnumerable<BpmnElement> Children(BpmnElement e, string localName) => e.Elements(_ns + localName);

    private BpmnElement? Child(BpmnElement e, string localName) => e.Element(_ns + localName);

    private static string Text(BpmnElement? e) => e is null ? "" : string.Concat(e.Children.OfType<XmlText>().Select(t => t.Value));

    private string? ChildText(BpmnElement e, string localName) => Child(e, localName) is { } c ? Text(c) : null;

    private ItemDefinition ItemDefinition(BpmnElement e)
    {
        var allowed = Child(e, "allowedValues") is { } av ? ChildText(av, "text") : null;
        var fn = Child(e, "functionItem");
        return new ItemDefinition(e.Id, e, e.Attribute("name") ?? "", ChildText(e, "typeRef") ?? e.Attribute("typeRef"), allowed,
            e.BoolAttribute("isCollection", false), Children(e, "itemComponent").Select(ItemDefinition).ToArray(),
            fn?.Attribute("outputTypeRef"), fn is null ? null : Children(fn, "parameters").Select(p => (p.Attribute("name") ?? "", p.Attribute("typeRef"))).ToArray());
    }

    private DmnVariable Variable(BpmnElement owner)
    {
        var v = Child(owner, "variable");
        return new DmnVariable(v?.Attribute("name") ?? owner.Attribute("name") ?? "", v?.Attribute("typeRef"));
    }

    private InputData InputData(BpmnElement e) => new(e.Id, e, e.Attribute("name") ?? "", Variable(e));

    private List<DmnReference> References(BpmnElement e, string requirement, string target)
    {
        var list = new List<DmnReference>();
        foreach (var r in Children(e, requirement))
            foreach (var t in Children(r, target))
                if (t.Attribute("href") is { } href) list.Add(new DmnReference(href));
        return list;
    }

    private Decision Decision(BpmnElement e) => new(e.Id, e, e.Attribute("name") ?? "", Variable(e),
        References(e, "informationRequirement", "requiredDecision"), References(e, "informationRequirement", "requiredInput"),
        References(e, "knowledgeRequirement", "requiredKnowledge"), Expression(e));

    private BusinessKnowledgeModel Knowledge(BpmnElement e)
    {
        var logic = Child(e, "encapsulatedLogic") is { } l ? FunctionDefinition(l) : null;
        return new BusinessKnowledgeModel(e.Id, e, e.Attribute("name") ?? "", Variable(e), logic, References(e, "knowledgeRequirement", "requiredKnowledge"));
    }

    private DecisionService Service(BpmnElement e)
    {
        List<DmnReference> Refs(string name) => Children(e, name).Select(x => x.Attribute("href")).OfType<string>().Select(h => new DmnReference(h)).ToList();
        return new DecisionService(e.Id, e, e.Attribute("name") ?? "", Variable(e), Refs("outputDecision"), Refs("encapsulatedDecision"), Refs("inputDecision"), Refs("inputData"));
    }

    private DmnImport Import(BpmnElement e) => new(e.Id, e, e.Attribute("name") ?? "", e.Attribute("namespace") ?? "", e.Attribute("locationURI"), e.Attribute("importType") ?? "");

    private static readonly HashSet<string> ExpressionNames =
    [
        "literalExpression", "decisionTable", "context", "invocation", "list", "relation", "functionDefinition",
        "conditional", "filter", "for", "some", "every",
    ];

    /// <summary>The one boxed expression among an element's children, if any.</summary>
    private BoxedExpression? Expression(BpmnElement owner)
    {
        var e = owner.Elements().FirstOrDefault(c => c.Name.Namespace == _ns && ExpressionNames.Contains(c.Name.LocalName));
        return e is null ? null : Boxed(e);
    }

    private BoxedExpression Boxed(BpmnElement e)
    {
        var typeRef = e.Attribute("typeRef");
        switch (e.Name.LocalName)
        {
            case "literalExpression": return Literal(e);
            case "decisionTable": return Table(e);
            case "context":
                return new DmnContext(e.Id, e, typeRef, Children(e, "contextEntry").Select(c => new ContextEntry(
                    Child(c, "variable") is { } v ? new DmnVariable(v.Attribute("name") ?? "", v.Attribute("typeRef")) : null, Expression(c))).ToArray());
            case "invocation":
            {
                var bindings = Children(e, "binding").Select(b => new Binding(Child(b, "parameter")?.Attribute("name") ?? "", Expression(b))).ToArray();
                return new Invocation(e.Id, e, typeRef, Expression(e), bindings);
            }
            case "list": return new DmnList(e.Id, e, typeRef, e.Elements().Where(c => c.Name.Namespace == _ns && ExpressionNames.Contains(c.Name.LocalName)).Select(Boxed).ToArray());
            case "relation":
            {
                var columns = Children(e, "column").Select(c => c.Attribute("name") ?? "").ToArray();
                var rows = Children(e, "row").Select(r => (IReadOnlyList<BoxedExpression?>)r.Elements()
                    .Where(c => c.Name.Namespace == _ns && ExpressionNames.Contains(c.Name.LocalName)).Select(Boxed).ToArray()).ToArray();
                return new Relation(e.Id, e, typeRef, columns, rows);
            }
            case "functionDefinition": return FunctionDefinition(e);
            case "conditional":
                return new Conditional(e.Id, e, typeRef, Child(e, "if") is { } i ? Expression(i) : null,
                    Child(e, "then") is { } t ? Expression(t) : null, Child(e, "else") is { } el ? Expression(el) : null);
            case "filter":
                return new DmnFilter(e.Id, e, typeRef, Child(e, "in") is { } fi ? Expression(fi) : null, Child(e, "match") is { } m ? Expression(m) : null);
            case "for" or "some" or "every":
            {
                var body = Child(e, e.Name.LocalName == "for" ? "return" : "satisfies");
                return new Iterator(e.Id, e, typeRef, e.Name.LocalName, e.Attribute("iteratorVariable") ?? "",
                    Child(e, "in") is { } inn ? Expression(inn) : null, body is null ? null : Expression(body));
            }
        }
        return new UnknownExpression(e.Id, e, typeRef);
    }

    private LiteralExpression Literal(BpmnElement e) =>
        new(e.Id, e, e.Attribute("typeRef"), ChildText(e, "text") ?? "", e.Attribute("expressionLanguage"));

    private FunctionDefinition FunctionDefinition(BpmnElement e)
    {
        var kind = (e.Attribute("kind") ?? "FEEL").ToUpperInvariant() switch { "JAVA" => FunctionKind.Java, "PMML" => FunctionKind.Pmml, _ => FunctionKind.Feel };
        var parameters = Children(e, "formalParameter").Select(p => new DmnVariable(p.Attribute("name") ?? "", p.Attribute("typeRef"))).ToArray();
        return new FunctionDefinition(e.Id, e, e.Attribute("typeRef"), parameters, Expression(e), kind);
    }

    private DecisionTable Table(BpmnElement e)
    {
        var inputs = Children(e, "input").Select(i =>
        {
            var ie = Child(i, "inputExpression");
            var expression = ie is null ? new LiteralExpression(null, i, null, "", null) : Literal(ie);
            if (ie is null) bag.Error(i.Position, $"decision table input '{i.Id}' has no inputExpression");
            return new TableInput(i.Id, i, i.Attribute("label"), expression, Child(i, "inputValues") is { } iv ? ChildText(iv, "text") : null,
                i.Attribute(DmnNamespaces.Camunda + "inputVariable"));
        }).ToArray();
        var outputs = Children(e, "output").Select(o => new TableOutput(o.Id, o, o.Attribute("name"), o.Attribute("label"), o.Attribute("typeRef"),
            Child(o, "outputValues") is { } ov ? ChildText(ov, "text") : null,
            Child(o, "defaultOutputEntry") is { } d ? Literal(d) : null)).ToArray();
        var rules = Children(e, "rule").Select(r => new Rule(r.Id, r,
            Children(r, "inputEntry").Select(Literal).ToArray(), Children(r, "outputEntry").Select(Literal).ToArray())).ToArray();
        foreach (var r in rules)
        {
            if (r.InputEntries.Count != inputs.Length) bag.Error(r.Position, $"rule '{r.Id}' has {r.InputEntries.Count} input entries, the table has {inputs.Length} inputs");
            if (r.OutputEntries.Count != outputs.Length) bag.Error(r.Position, $"rule '{r.Id}' has {r.OutputEntries.Count} output entries, the table has {outputs.Length} outputs");
        }
        var (policy, aggregation) = HitPolicyOf(e);
        return new DecisionTable(e.Id, e, e.Attribute("typeRef"), policy, aggregation, inputs, outputs, rules, e.Attribute("outputLabel"));
    }

    private (HitPolicy, Aggregation) HitPolicyOf(BpmnElement e)
    {
        var text = (e.Attribute("hitPolicy") ?? "UNIQUE").Trim();
        HitPolicy policy;
        switch (text)
        {
            case "UNIQUE" or "U": policy = HitPolicy.Unique; break;
            case "ANY" or "A": policy = HitPolicy.Any; break;
            case "PRIORITY" or "P": policy = HitPolicy.Priority; break;
            case "FIRST" or "F": policy = HitPolicy.First; break;
            case "RULE ORDER" or "R": policy = HitPolicy.RuleOrder; break;
            case "OUTPUT ORDER" or "O": policy = HitPolicy.OutputOrder; break;
            case "COLLECT" or "C": policy = HitPolicy.Collect; break;
            default:
                bag.Error(e.Position, $"unknown hit policy '{text}' (expected UNIQUE, ANY, PRIORITY, FIRST, RULE ORDER, OUTPUT ORDER or COLLECT)");
                policy = HitPolicy.Unique;
                break;
        }
        var aggregation = (e.Attribute("aggregation") ?? "").Trim() switch
        {
            "SUM" => Aggregation.Sum,
            "COUNT" => Aggregation.Count,
            "MIN" => Aggregation.Min,
            "MAX" => Aggregation.Max,
            "" => Aggregation.None,
            var other => Unknown(other),
        };
        return (policy, aggregation);

        Aggregation Unknown(string other)
        {
            bag.Error(e.Position, $"unknown aggregation '{other}' (expected SUM, COUNT, MIN or MAX)");
            return Aggregation.None;
        }
    }
}
