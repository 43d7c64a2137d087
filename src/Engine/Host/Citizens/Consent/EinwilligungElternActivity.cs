using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Sdk;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Host.Citizens.Consent;

/// <summary>
/// <c>einwilligung-eltern</c>: asks the parents themselves for their consent, per purpose (<c>kindergeld</c>, <c>kita</c>),
/// and waits for it. It issues a one-time Einwilligungscode (<see cref="ConsentCodes"/>; only its hash is stored, valid for
/// <c>frist</c>), sends it in the Standesamt's notice to <c>to</c>, and waits. A parent signed in with BundID enters the
/// code on <c>/buerger/einwilligung</c> and says yes or no per purpose; the server resumes the case with the answers and the
/// account id of the SESSION (<c>einwilligungKonto</c>) — never one from a body, a header or the hospital's data.
/// <para>
/// The model puts a timer on this task with the same Frist: when it fires the case goes on without consent and the code
/// opens nothing any more. No address (<c>to</c> empty): nothing is asked, the case goes on without consent
/// (<c>einwilligungOnline.status</c> "nicht angefragt"). The code is never an output, a variable or a log line.
/// </para>
/// </summary>
[Activity(Name, Description = "Einwilligung der Eltern online erfragen: Einwilligungscode senden, auf die Antwort der angemeldeten Eltern warten")]
public sealed partial class EinwilligungElternActivity(CitizenAccountRegister register, ConsentMail mail) : WorkflowActivity
{
    public const string Name = "einwilligung-eltern";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("to", ActivityValueType.String, Description: "E-Mail-Adresse der Eltern für die Mitteilung mit dem Einwilligungscode; leer: keine Anfrage"),
        new("zwecke", ActivityValueType.Any, Required: true, "Zwecke, nach denen gefragt wird: kindergeld, kita (Liste oder durch Komma getrennt)"),
        new("frist", ActivityValueType.String, Description: "Wie lange der Code gilt (ISO 8601, Standard P4W); dieselbe Frist wie der Timer am Task"),
        new("aktenzeichen", ActivityValueType.String, Description: "Aktenzeichen in der Mitteilung (Standard: der Business Key)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("einwilligungOnline", ActivityValueType.Object, Description: "{ status: angefragt | erklaert | nicht angefragt, zwecke, angefragtAm, gueltigBis, erklaertAm, zugestimmt, abgelehnt }"),
        new("einwilligungKindergeld", ActivityValueType.Boolean, Description: "nach der Antwort: ob in die Weitergabe für den Kindergeldantrag eingewilligt wurde"),
        new("einwilligungKita", ActivityValueType.Boolean, Description: "nach der Antwort: ob in die Weitergabe für die Kita-Anmeldung eingewilligt wurde"),
        new("einwilligungKonto", ActivityValueType.String, Description: "nach einer Einwilligung: das Bürgerkonto (buerger:…) des angemeldeten Elternteils, aus seiner Sitzung"),
    ];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Zwecke(context) is not { } purposes) return ActivityResult.Fail($"einwilligung-eltern: 'zwecke' must name one or more of {string.Join(", ", ConsentCodes.Purposes.Select(p => p.Id))}");
        var fristText = context.GetString("frist") is { Length: > 0 } f ? f.Trim() : "P4W";
        var frist = PeriodPattern.NormalizingIso.Parse(fristText);
        if (!frist.Success)
            return ActivityResult.Fail($"einwilligung-eltern: 'frist' is not an ISO 8601 period (e.g. P4W): {fristText}");
        var now = context.Now;
        var until = (LocalDateTime.FromDateTime(now.UtcDateTime) + frist.Value).InUtc().ToDateTimeOffset();
        if (until <= now) return ActivityResult.Fail($"einwilligung-eltern: 'frist' must be positive: {fristText}");
        var aktenzeichen = context.GetString("aktenzeichen") is { Length: > 0 } az ? az : context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var state = new JsonObject
        {
            ["zwecke"] = new JsonArray(purposes.Select(p => (JsonNode)p.Id).ToArray()),
            ["angefragtAm"] = Iso(now),
        };
        if (context.GetString("to") is not { Length: > 0 } to || string.IsNullOrWhiteSpace(to))
        {
            state["status"] = "nicht angefragt";
            state["grund"] = "Keine E-Mail-Adresse der Eltern: nichts wird weitergegeben.";
            var none = new JsonObject { ["einwilligungOnline"] = state };
            foreach (var p in purposes) none[p.Variable] = false;
            return ActivityResult.Complete(none);
        }
        var code = ConsentCodes.NewCode();
        var hash = ConsentCodes.Hash(context.TenantId, code);
        await register.Consents.PutAsync(context.TenantId, hash, context.ProcessInstanceId, aktenzeichen,
            purposes.Select(p => p.Id).ToList(), now, until, context.CancellationToken).ConfigureAwait(false);
        var failed = await mail.SendAsync(context.TenantId, to.Trim(), aktenzeichen, code, purposes, until, register.PublicAddress?.Invoke(),
            hash, context.CancellationToken).ConfigureAwait(false);
        if (failed is { } why) return ActivityResult.Fail("einwilligung-eltern: " + why.Reason);
        state["status"] = "angefragt";
        state["gueltigBis"] = Iso(until);
        return ActivityResult.Wait("Einwilligung der Eltern abwarten (Einwilligungscode versandt)", new JsonObject { ["einwilligungOnline"] = state },
            ConsentCodes.CallbackKey(context.ProcessInstanceId));
    }

    /// <summary>
    /// The answer of the signed-in parent: <c>{ zustimmung: { kindergeld: true, kita: false }, konto: "buerger:…", erklaertAm }</c>.
    /// Only the purposes asked count; one missing is a no. The account is kept only when the parent consented to something.
    /// </summary>
    public override Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Zwecke(context) is not { } purposes) return Task.FromResult(ActivityResult.Fail("einwilligung-eltern: 'zwecke' is not a list of known purposes"));
        var konto = payload?["konto"] is JsonValue k && k.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;
        if (konto is not null && !AccountId().IsMatch(konto))
            return Task.FromResult(ActivityResult.Fail("einwilligung-eltern: 'konto' is not an account id of the citizen side (buerger: and 32 characters)"));
        var outputs = new JsonObject();
        var yes = new JsonArray();
        var no = new JsonArray();
        foreach (var p in purposes)
        {
            var given = payload?["zustimmung"]?[p.Id] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            outputs[p.Variable] = given;
            (given ? yes : no).Add(p.Id);
        }
        var state = context.Variable("einwilligungOnline") is JsonObject o ? (JsonObject)o.DeepClone() : new JsonObject();
        state["status"] = "erklaert";
        state["erklaertAm"] = payload?["erklaertAm"]?.DeepClone() ?? Iso(context.Now);
        state["zugestimmt"] = yes;
        state["abgelehnt"] = no;
        outputs["einwilligungOnline"] = state;
        if (yes.Count > 0 && konto is not null) outputs["einwilligungKonto"] = konto;
        return Task.FromResult(ActivityResult.Complete(outputs));
    }

    private static List<ConsentPurpose>? Zwecke(ActivityContext context)
    {
        var ids = context.Input("zwecke") switch
        {
            JsonArray a => a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToList(),
            JsonValue v when v.TryGetValue<string>(out var s) => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(x => (string?)x).ToList(),
            _ => null,
        };
        if (ids is null || ids.Count == 0) return null;
        var list = new List<ConsentPurpose>();
        foreach (var id in ids.Distinct())
        {
            if (id is null || ConsentCodes.Purpose(id.Trim().ToLowerInvariant()) is not { } p) return null;
            list.Add(p);
        }
        return list;
    }

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^buerger:[A-Za-z0-9_-]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();
}
