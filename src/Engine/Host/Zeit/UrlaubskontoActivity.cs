using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Zeit;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Zeit;

/// <summary>
/// <c>urlaubskonto</c>: a leave request's view of and bookings on the staff member's leave account (table <c>zeit_urlaubskonto</c>),
/// so the remaining leave is domain data and not a number the applicant types. The account is the one of the year the leave begins.
/// <list type="bullet">
/// <item><c>aktion = abfragen</c>: outputs <c>resturlaub</c> (null when the staff member has no account for that year),
///   <c>urlaubskontoVorhanden</c> and <c>resturlaubUeberschritten</c> (no account, or more than <c>tage</c> left). Without valid
///   <c>mitarbeiter</c> and <c>von</c> it answers no account (the request's plausibility check reports the dates).</item>
/// <item><c>aktion = buchen</c>: books the approved days (booking id = the case's business key); outputs <c>urlaubGebucht</c>,
///   <c>buchungsId</c>, <c>resturlaub</c>. No account → BPMN error <c>KEIN_URLAUBSKONTO</c>; not enough days left (also when
///   another request was booked meanwhile) → <c>RESTURLAUB_UEBERSCHRITTEN</c>.</item>
/// <item><c>aktion = stornieren</c>: cancels the booking and gives its days back; outputs <c>buchungStorniert</c>, <c>resturlaub</c>.</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Resturlaub aus dem Urlaubskonto lesen, genehmigten Urlaub buchen oder eine Buchung stornieren (Tage zurück)")]
public sealed class UrlaubskontoActivity(ZeitRegister register) : WorkflowActivity
{
    public const string Name = "urlaubskonto";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "abfragen, buchen oder stornieren"),
        new("mitarbeiter", ActivityValueType.String, Description: "Benutzerkennung der beschäftigten Person (Inhaber/in des Kontos)"),
        new("von", ActivityValueType.Date, Description: "erster Urlaubstag (JJJJ-MM-TT); sein Jahr wählt das Konto"),
        new("bis", ActivityValueType.Date, Description: "letzter Urlaubstag (JJJJ-MM-TT)"),
        new("tage", ActivityValueType.Number, Description: "Urlaubstage (Arbeitstage, in halben Tagen)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("resturlaub", ActivityValueType.Number, Description: "verbleibende Urlaubstage im Konto des Jahres (null: kein Konto)"),
        new("urlaubskontoVorhanden", ActivityValueType.Boolean, Description: "bei abfragen: es gibt ein Konto für das Jahr"),
        new("resturlaubUeberschritten", ActivityValueType.Boolean, Description: "bei abfragen: kein Konto, oder mehr Tage beantragt als übrig"),
        new("urlaubGebucht", ActivityValueType.Boolean, Description: "bei buchen: der Urlaub ist im Konto gebucht"),
        new("buchungsId", ActivityValueType.String, Description: "bei buchen: die Buchung (= Geschäftsschlüssel)"),
        new("buchungStorniert", ActivityValueType.Boolean, Description: "bei stornieren: eine Buchung wurde zurückgenommen"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var now = Instant.FromDateTimeOffset(context.Now);
        var store = register.Store;
        var mitarbeiter = context.GetString("mitarbeiter");
        var von = context.GetDate("von");
        try
        {
            return Task.FromResult(context.GetString("aktion") switch
            {
                // A request whose dates are not (yet) valid has no account to look at: the plausibility check tells the applicant.
                "abfragen" => mitarbeiter is { Length: > 0 } && von is { } v ? Abfragen(store, context.TenantId, mitarbeiter, v.Year, context.GetDecimal("tage"))
                    : ActivityResult.Complete(new JsonObject { ["resturlaub"] = null, ["urlaubskontoVorhanden"] = false, ["resturlaubUeberschritten"] = false }),
                "buchen" when mitarbeiter is { Length: > 0 } && von is { } v => Buchen(context, store, id, mitarbeiter, v, now),
                "stornieren" => Stornieren(store, context.TenantId, id, now),
                "buchen" => ActivityResult.Fail("urlaubskonto: mitarbeiter and von (JJJJ-MM-TT) are needed"),
                var other => ActivityResult.Fail($"urlaubskonto: aktion must be abfragen, buchen or stornieren; found '{other}'"),
            });
        }
        catch (ZeitConstraintException e) when (e.Code is ZeitFehler.KeinUrlaubskonto or ZeitFehler.ResturlaubUeberschritten)
        {
            var rest = mitarbeiter is not null && von is { } v ? store.GetUrlaubskonto(context.TenantId, mitarbeiter, v.Year)?.Rest : null;
            return Task.FromResult(ActivityResult.BpmnError(e.Code, e.Message, new JsonObject { ["resturlaub"] = rest }));
        }
        catch (ZeitConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"urlaubskonto: the leave account refused the booking {id}: {e.Message}"));
        }
    }

    private static ActivityResult Abfragen(IZeitStore store, string tenant, string mitarbeiter, int jahr, decimal? tage)
    {
        var konto = store.GetUrlaubskonto(tenant, mitarbeiter, jahr);
        return ActivityResult.Complete(new JsonObject
        {
            ["resturlaub"] = konto?.Rest,
            ["urlaubskontoVorhanden"] = konto is not null,
            // No account is as good as no days left: the Personalstelle has to look at it.
            ["resturlaubUeberschritten"] = konto is null || (tage is { } t && t > konto.Rest),
        });
    }

    private static ActivityResult Buchen(ActivityContext context, IZeitStore store, string id, string mitarbeiter, LocalDate von, Instant now)
    {
        var bis = context.GetDate("bis") ?? von;
        var tage = context.GetDecimal("tage");
        if (bis < von) return ActivityResult.Fail("urlaubskonto: bis lies before von");
        if (tage is not { } t || t <= 0 || t * 2 != decimal.Truncate(t * 2) || t > 500)
            return ActivityResult.Fail("urlaubskonto: tage must be a positive number of whole or half days");
        var b = store.Buchen(context.TenantId, new Urlaubsbuchung(id, mitarbeiter, von.Year, von, bis, t, UrlaubsbuchungStatus.Gebucht, context.ProcessInstanceId, now, null));
        return ActivityResult.Complete(new JsonObject
        {
            ["urlaubGebucht"] = true,
            ["buchungsId"] = b.Id,
            ["resturlaub"] = store.GetUrlaubskonto(context.TenantId, mitarbeiter, von.Year)?.Rest,
        });
    }

    private static ActivityResult Stornieren(IZeitStore store, string tenant, string id, Instant now)
    {
        var before = store.GetUrlaubsbuchung(tenant, id);
        var b = store.Stornieren(tenant, id, now);
        return ActivityResult.Complete(new JsonObject
        {
            ["buchungStorniert"] = before is { Status: UrlaubsbuchungStatus.Gebucht },
            ["resturlaub"] = b is null ? null : store.GetUrlaubskonto(tenant, b.Mitarbeiter, b.Jahr)?.Rest,
        });
    }
}
