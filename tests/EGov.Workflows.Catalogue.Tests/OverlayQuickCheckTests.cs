using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Catalogue.Overlays;
using EGov.Workflows.Catalogue.Yaml;

namespace EGov.Workflows.Catalogue.Tests;

/// <summary>
/// The overlay's quick schema check (thousands of overlays at a deploy): it may accept only what docs/overlay.schema.json
/// accepts; what it does not accept is evaluated by the schema, which gives the positioned messages.
/// </summary>
public sealed class OverlayQuickCheckTests
{
    public static TheoryData<string, bool> Overlays() => new()
    {
        { "fees: { amount: 45.00, legalBasis: Satzung }\ngroups: { steueramt: steuern-a }\ntexts: { Task_A: \"Prüfen (Gemeinde A)\" }\n", true },
        { "paths: { Flow_X: true }\nfristen: { Task_A: P10D }\nactivities: { Task_G: { betrag: \"45.00\", n: 3, an: false } }\n", true },
        { "forms: { pruefung: { geprueft: \"Geprüft\" } }\ncontact: { email: amt@gemeinde.example, url: \"https://gemeinde.example\" }\n", true },
        { "responsible: { orgUnit: Steueramt, groups: [steuern-a] }\n", true },
        { "{}", true },
        { "fees: { decision: Gebuehr_Hund }\n", true },                 // valid, but only the schema accepts it
        { "fees: { amount: 45.001 }\n", false },
        { "fees: { amount: -1 }\n", false },
        { "fees: { amount: 5, decision: X }\n", false },
        { "fees: { amount: \"5\" }\n", false },
        { "groups: { steueramt: \"steuern a\" }\n", false },
        { "texts: { Task_A: \"\" }\n", false },
        { $"texts: {{ Task_A: \"{new string('x', 501)}\" }}\n", false },
        { "forms: { pruefung: {} }\n", false },
        { "paths: { Flow_X: yes please }\n", false },
        { "fristen: { Task_A: PT5H }\n", false },
        { "activities: { Task_G: {} }\n", false },
        { "activities: { Task_G: { betrag: [1] } }\n", false },
        { "contact: { email: nobody }\n", false },
        { "contact: { url: \"http://insecure.example\" }\n", false },
        { "contact: {}\n", false },
        { "responsible: { groups: [] }\n", false },
        { "unknown: 1\n", false },
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TheQuickCheck_AcceptsOnlyWhatTheSchemaAccepts(string yaml, bool valid)
    {
        var root = PositionedYamlReader.Read(yaml).Root!.AsObject();
        var schema = OverlaySchema.Evaluate(JsonSerializer.SerializeToElement(root)).IsValid;
        schema.ShouldBe(valid, "the sample's expectation matches the schema");
        if (OverlayQuickCheck.IsValid(root)) schema.ShouldBeTrue("the quick check accepted what the schema refuses");
        if (!valid)
            OverlayReader.Read(yaml, "t/x.overlay.yaml", "t", "x").Diagnostics.ShouldContain(d => d.Severity == Model.Diagnostics.Severity.Error);
    }

    [Fact]
    public void TheCommonShapes_PassTheQuickCheck()
    {
        foreach (var yaml in new[]
        {
            "fees: { amount: 45.00, legalBasis: Satzung }\ngroups: { steueramt: steuern-a }\ntexts: { Task_A: x }\ncontact: { email: amt@gemeinde-1.example }\n",
            "paths: { Flow_X: false }\nfristen: { Task_A: P1M }\nforms: { a: { b: c } }\n",
        })
            OverlayQuickCheck.IsValid(PositionedYamlReader.Read(yaml).Root!.AsObject()).ShouldBeTrue(yaml);
    }
}
