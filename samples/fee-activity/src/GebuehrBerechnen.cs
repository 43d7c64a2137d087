using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Samples.FeeActivity;

/// <summary>Berechnet die Verwaltungsgebühr für eine Leistung über eine Anzahl Jahre.
/// Bound in BPMN by <c>egov:activity="gebuehr-berechnen"</c>; registered with <c>AddActivity&lt;GebuehrBerechnen&gt;()</c>.</summary>
[Activity("gebuehr-berechnen", Title = "Gebühr berechnen", Description = "Gebühr = Jahresgebühr der Leistung × Anzahl Jahre")]
public sealed class GebuehrBerechnen : WorkflowActivity
{
    // The fee schedule lives in code so the sample is self-contained; a real pack would read the Gebührenordnung.
    // decimal, never double: 30.70 × 2 must be exactly 61.40 in the Bescheid, not 61.399999….
    private static readonly IReadOnlyDictionary<string, decimal> JahresGebuehr = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["anwohnerparkausweis"] = 30.70m,
        ["gewerbeparkausweis"] = 120.00m,
    };

    // Declared so the engine can check the binding (a missing required input opens an incident, not a silent 0).
    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("leistung", ActivityValueType.String, Required: true, Description: "Schlüssel der Leistung, z. B. anwohnerparkausweis"),
        new("anzahlJahre", ActivityValueType.Number, Required: true, Description: "Laufzeit in ganzen Jahren (1–3)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs => [new("gebuehr", ActivityValueType.Number, Description: "Gebühr in Euro")];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var leistung = context.GetString("leistung") ?? "";
        // An unknown service is a business case the model handles (error boundary → Sachbearbeitung),
        // so it is a BpmnError; Fail would retry three times and end in an incident for no reason.
        if (!JahresGebuehr.TryGetValue(leistung, out var proJahr))
            return Task.FromResult(ActivityResult.BpmnError("UNBEKANNTE_LEISTUNG", $"keine Gebühr für Leistung '{leistung}' hinterlegt"));

        // A wrong duration is a defect of the form or the model, not a business case: Fail makes it an incident an operator sees
        // (an unhandled BpmnError would silently end the path).
        var jahre = context.GetDecimal("anzahlJahre"); // exact for every JSON number (2, 2.0, 2.5); null for "2" in quotes
        if (jahre is not (>= 1 and <= 3) || jahre != decimal.Truncate(jahre.Value))
            return Task.FromResult(ActivityResult.Fail($"anzahlJahre muss 1, 2 oder 3 sein, war {context.Input("anzahlJahre")?.ToJsonString() ?? "leer"}"));

        // The output is a JSON number built from a decimal: the engine keeps it exact as the process variable 'gebuehr'.
        return Task.FromResult(ActivityResult.Complete(new JsonObject { ["gebuehr"] = proJahr * jahre.Value }));
    }

}
