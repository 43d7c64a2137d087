using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// <c>eid-check</c>: a model requires a trust level later in the case (e.g. before a payment over a limit). The level the
/// case holds is the one the citizen reached when signing in for it (variable <c>buerger</c>, written at the start, else
/// <c>eidLevel</c>). When it reaches <c>niveau</c> the check passes at once; otherwise the case waits — the citizen is asked
/// to sign in again at the level (<c>/buerger/vorgaenge/{id}/identifizierung</c>, a step-up at BundID) — and the confirmed
/// sign-in resumes it by <see cref="CallbackKey"/> with the new level and its time, which are then stored with the case
/// (<c>buerger.vertrauensniveau</c>, <c>buerger.angemeldetAm</c>, <c>eidLevel</c>). A resume with a lower level waits on.
/// </summary>
[Activity(Name, Description = "Vertrauensniveau der Identifizierung prüfen; wenn es nicht reicht, erneute Anmeldung mit BundID verlangen")]
public sealed class EidCheckActivity : WorkflowActivity
{
    public const string Name = "eid-check";

    /// <summary>The key the citizen's confirmed step-up resumes the waiting check of an instance by (one open check per instance).</summary>
    public static string CallbackKey(string processInstanceId) => Name + ":" + processInstanceId;

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("niveau", ActivityValueType.String, Required: true, "Nötiges Vertrauensniveau: niedrig, substanziell oder hoch (auch low/substantial/high, STORK-QAA-Level-N)"),
        new("buerger", ActivityValueType.Object, Description: "Die Identifizierung des Falls { vertrauensniveau, vertrauensniveauStork, angemeldetAm } (beim Online-Antrag gesetzt)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("eidCheck", ActivityValueType.Object, Description: "{ benoetigt, benoetigtStork, status: erfuellt | offen, angefordertAm?, erfuelltAm? }"),
        new("buerger", ActivityValueType.Object, Description: "nach erneuter Anmeldung: das neue Vertrauensniveau und die Anmeldezeit"),
        new("eidLevel", ActivityValueType.String, Description: "nach erneuter Anmeldung: das Vertrauensniveau (niedrig, substanziell, hoch)"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TrustLevels.Parse(context.GetString("niveau")) is not { } required)
            return Task.FromResult(ActivityResult.Fail($"eid-check: the input 'niveau' must be niedrig, substanziell or hoch (or low/substantial/high, STORK-QAA-Level-N); found {context.Input("niveau")?.ToJsonString() ?? "nothing"}"));
        var stored = Stored(context);
        if (stored >= required)
            return Task.FromResult(ActivityResult.Complete(new JsonObject { ["eidCheck"] = Check(required, "erfuellt", context.Now) }));
        return Task.FromResult(Waiting(context, required));
    }

    /// <summary>The payload of a confirmed sign-in: <c>{ vertrauensniveau: "STORK-QAA-Level-4", angemeldetAm: "…Z" }</c>.</summary>
    public override Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TrustLevels.Parse(context.GetString("niveau")) is not { } required)
            return Task.FromResult(ActivityResult.Fail("eid-check: the input 'niveau' is not a trust level"));
        var reached = payload?["vertrauensniveau"] is JsonValue v && v.TryGetValue<string>(out var s) ? TrustLevels.Parse(s) : null;
        if (reached is not { } level || level < required) return Task.FromResult(Waiting(context, required));
        var buerger = context.Input("buerger") is JsonObject b ? (JsonObject)b.DeepClone() : [];
        buerger["vertrauensniveau"] = level.German();
        buerger["vertrauensniveauStork"] = level.ClassRef();
        buerger["angemeldetAm"] = payload?["angemeldetAm"]?.DeepClone() ?? Iso(context.Now);
        return Task.FromResult(ActivityResult.Complete(new JsonObject
        {
            ["eidCheck"] = Check(required, "erfuellt", context.Now),
            ["buerger"] = buerger,
            ["eidLevel"] = level.German(),
        }));
    }

    private static ActivityResult Waiting(ActivityContext context, TrustLevel required)
    {
        var check = Check(required, "offen", null);
        check["angefordertAm"] = Iso(context.Now);
        return ActivityResult.Wait($"Erneute Anmeldung mit Vertrauensniveau „{required.German()}“ nötig",
            new JsonObject { ["eidCheck"] = check }, CallbackKey(context.ProcessInstanceId));
    }

    /// <summary>The level the case holds: buerger.vertrauensniveauStork / .vertrauensniveau, else eidLevel; none: below every level.</summary>
    private static TrustLevel? Stored(ActivityContext context)
    {
        var buerger = context.Input("buerger") as JsonObject;
        foreach (var text in new[] { Text(buerger?["vertrauensniveauStork"]), Text(buerger?["vertrauensniveau"]), context.GetString("eidLevel") })
            if (TrustLevels.Parse(text) is { } level) return level;
        return null;
    }

    private static JsonObject Check(TrustLevel required, string status, DateTimeOffset? at)
    {
        var o = new JsonObject { ["benoetigt"] = required.German(), ["benoetigtStork"] = required.ClassRef(), ["status"] = status };
        if (at is { } t) o["erfuelltAm"] = Iso(t);
        return o;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
