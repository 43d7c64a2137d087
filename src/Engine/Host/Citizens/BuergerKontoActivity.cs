using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// <c>buerger-konto</c>: links a case that no citizen started (a message started it: the Kindergeld application and the Kita
/// registration of the life chain) to the citizen account(s) of the people it concerns, so they follow it on the citizen pages
/// ("Meine Vorgänge", <c>/api/citizen/cases</c>) like a case they started — and nobody else does (the pages answer 404 for
/// a case not linked to the signed-in citizen).
/// <para>
/// <c>konto</c> is an account id as the citizen side writes it (<c>buerger:</c> and 32 characters, the hash of the BundID
/// pseudonym — never the bPK2), one or a list (both parents). It comes with the consented data (e.g. <c>kitaDaten.buergerkonto</c>);
/// nothing given: nothing is linked (<c>kontoZugeordnet</c> false), the case runs on. An id in another form is a technical
/// failure (the case stops with an incident) — a typo must not link a case to nobody silently, nor to someone by guess.
/// The link is the row the sign-in side reads; who sees the case is always decided by the signed-in session.
/// </para>
/// </summary>
[Activity(Name, Description = "Fall dem Bürgerkonto zuordnen: die Eltern (oder wem der Fall gilt) verfolgen ihn unter „Meine Vorgänge“")]
public sealed partial class BuergerKontoActivity(CitizenAccountRegister register) : WorkflowActivity
{
    public const string Name = "buerger-konto";

    /// <summary>At most this many accounts per case (both parents, a guardian).</summary>
    public const int MaxAccounts = 4;

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("konto", ActivityValueType.Any, Description: "Bürgerkonto (buerger:…) oder eine Liste davon, aus den eingewilligten Daten; leer: keine Zuordnung"),
        new("prozess", ActivityValueType.String, Required: true, "Die Prozess-Id dieses Falls (für die Bürgerseiten)"),
        new("aktenzeichen", ActivityValueType.String, Description: "Aktenzeichen, das die Bürgerseiten zeigen (Standard: der Business Key des Falls)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("kontoZugeordnet", ActivityValueType.Boolean, Description: "ob der Fall mindestens einem Bürgerkonto zugeordnet ist"),
    ];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetString("prozess") is not { Length: > 0 } process)
            return ActivityResult.Fail("buerger-konto: the input 'prozess' (this case's process id) is missing");
        var accounts = new List<string>();
        switch (context.Input("konto"))
        {
            case null:
                break;
            case JsonValue v when v.TryGetValue<string>(out var one):
                if (!string.IsNullOrWhiteSpace(one)) accounts.Add(one.Trim());
                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    if (item is JsonValue iv && iv.TryGetValue<string>(out var s)) { if (!string.IsNullOrWhiteSpace(s)) accounts.Add(s.Trim()); }
                    else if (item is not null) return ActivityResult.Fail("buerger-konto: 'konto' must be an account id (buerger:…) or a list of them");
                }
                break;
            default:
                return ActivityResult.Fail("buerger-konto: 'konto' must be an account id (buerger:…) or a list of them");
        }
        accounts = accounts.Distinct(StringComparer.Ordinal).ToList();
        if (accounts.Count > MaxAccounts)
            return ActivityResult.Fail($"buerger-konto: at most {MaxAccounts} accounts per case; found {accounts.Count}");
        if (accounts.FirstOrDefault(a => !AccountId().IsMatch(a)) is not null)
            return ActivityResult.Fail("buerger-konto: 'konto' is not an account id of the citizen side (buerger: and 32 characters); nothing was linked");
        var aktenzeichen = context.GetString("aktenzeichen") is { Length: > 0 } az ? az : context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        foreach (var owner in accounts)
            await register.Links.LinkAsync(context.TenantId, owner, context.ProcessInstanceId, process, aktenzeichen, context.CancellationToken).ConfigureAwait(false);
        return ActivityResult.Complete(new JsonObject { ["kontoZugeordnet"] = accounts.Count > 0 });
    }

    /// <summary>The form of <see cref="CitizenIdentity.Owner"/>: "buerger:" and 32 characters of URL-safe base64.</summary>
    [GeneratedRegex("^buerger:[A-Za-z0-9_-]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();
}
