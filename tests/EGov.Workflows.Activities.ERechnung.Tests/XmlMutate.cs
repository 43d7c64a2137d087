using System.Xml.Linq;

namespace EGov.Workflows.Activities.ERechnung.Tests;

/// <summary>One expectation of a KoSIT test instance: after the mutation, the rule fires (Invalid) or does not (Valid).</summary>
public sealed record Mutant(string File, string Id, string Mutator, string? Value, byte[] Content, IReadOnlyList<string> MustFire, IReadOnlyList<string> MustNotFire)
{
    public override string ToString() => $"{System.IO.Path.GetFileName(File)}#{Id}{(Value is null ? "" : "=" + Value)} ({Mutator})";
}

/// <summary>
/// The mutations of KoSIT's test instances (XML-Mutate, itplr-kosit/xml-mutate): a processing instruction
/// <c>&lt;?xmute mutator="…" schematron-invalid="xrubl:BR-DE-1" ?&gt;</c> before an element names a change to that element and
/// the rules expected to fire (<c>schematron-invalid</c>) or not (<c>schematron-valid</c>). Mutators: identity (unchanged),
/// remove (the element, or its attribute named by <c>attribute</c>), empty (its content or that attribute), whitespace (its text as blanks), code (its text, or the attribute named by
/// <c>attribute</c>, set to each of <c>values</c> in turn — one mutant per value).
/// </summary>
public static class XmlMutate
{
    public static IEnumerable<Mutant> Mutants(string file)
    {
        var text = Corpus.FillPlaceholders(File.ReadAllText(file));
        var original = XDocument.Parse(text, LoadOptions.PreserveWhitespace);
        var pis = original.DescendantNodes().OfType<XProcessingInstruction>().Where(p => p.Target == "xmute").ToList();
        for (var n = 0; n < pis.Count; n++)
        {
            var attrs = Attributes(pis[n].Data);
            var mutator = attrs.GetValueOrDefault("mutator", "identity");
            var mustFire = Rules(attrs.GetValueOrDefault("schematron-invalid"));
            var mustNot = Rules(attrs.GetValueOrDefault("schematron-valid"));
            if (mustFire.Count == 0 && mustNot.Count == 0) continue;
            var values = mutator == "code" ? attrs.GetValueOrDefault("values", "").Split(",").Select(v => (string?)v.Trim()).ToArray() : new string?[] { null };
            foreach (var value in values)
            {
                var copy = new XDocument(original);
                var pi = copy.DescendantNodes().OfType<XProcessingInstruction>().Where(p => p.Target == "xmute").ElementAt(n);
                var target = pi.NodesAfterSelf().OfType<XElement>().First();
                switch (mutator)
                {
                    case "identity": break;
                    case "remove" when attrs.TryGetValue("attribute", out var removed): target.Attribute(removed)?.Remove(); break;
                    case "remove": target.Remove(); break;
                    case "empty" when attrs.TryGetValue("attribute", out var emptied): target.SetAttributeValue(emptied, ""); break;
                    case "empty": target.RemoveNodes(); break;
                    case "whitespace": target.Value = "   "; break;
                    case "code":
                        if (attrs.TryGetValue("attribute", out var attribute)) target.SetAttributeValue(attribute, value);
                        else target.Value = value!;
                        break;
                    default: throw new InvalidOperationException($"{file}: mutator {mutator} unknown");
                }
                using var stream = new MemoryStream();
                copy.Save(stream, SaveOptions.DisableFormatting);
                yield return new Mutant(file, attrs.GetValueOrDefault("id", $"pi{n}"), mutator, value, stream.ToArray(), mustFire, mustNot);
            }
        }
    }

    private static List<string> Rules(string? list) =>
        list is null ? [] : list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(r => r[(r.IndexOf(':') + 1)..]).ToList();

    private static Dictionary<string, string> Attributes(string data)
    {
        var result = new Dictionary<string, string>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(data, "([a-z-]+)=\"([^\"]*)\""))
            result[m.Groups[1].Value] = m.Groups[2].Value;
        return result;
    }
}
