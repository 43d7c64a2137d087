using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Zeit;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Zeit;

/// <summary>
/// <c>fortbildungsbudget</c>: a training request's check against and reservation on its cost centre's training budget (table
/// <c>zeit_fortbildungsbudget</c>) for the year the training begins.
/// <list type="bullet">
/// <item><c>aktion = pruefen</c>: outputs <c>budgetVerfuegbar</c> (null: no budget), <c>budgetReicht</c>.</item>
/// <item><c>aktion = reservieren</c>: reserves <c>betrag</c> (reservation id = the case's business key); outputs
///   <c>budgetReserviert</c>, <c>budgetVerfuegbar</c>. No budget → BPMN error <c>KEIN_BUDGET</c>; not enough left (also when
///   another request reserved meanwhile) → <c>BUDGET_ERSCHOEPFT</c>.</item>
/// <item><c>aktion = aufloesen</c>: dissolves the reservation (cancelled training); outputs <c>budgetAufgeloest</c>.</item>
/// </list>
/// </summary>
[Activity(Name, Description = "Fortbildungsbudget der Kostenstelle prüfen, Kosten reservieren oder die Reservierung auflösen")]
public sealed class FortbildungsbudgetActivity(ZeitRegister register) : WorkflowActivity
{
    public const string Name = "fortbildungsbudget";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("aktion", ActivityValueType.String, Required: true, "pruefen, reservieren oder aufloesen"),
        new("kostenstelle", ActivityValueType.String, Description: "Kostenstelle, deren Fortbildungsbudget belastet wird"),
        new("beginn", ActivityValueType.Date, Description: "erster Tag der Fortbildung (JJJJ-MM-TT); sein Jahr wählt das Budget"),
        new("betrag", ActivityValueType.Number, Description: "Kosten der Fortbildung in Euro (Teilnahmegebühr, Reisekosten)"),
        new("mitarbeiter", ActivityValueType.String, Description: "Benutzerkennung der teilnehmenden Person"),
        new("titel", ActivityValueType.String, Description: "Titel der Fortbildung"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("budgetVerfuegbar", ActivityValueType.Number, Description: "noch verfügbares Budget in Euro (null: kein Budget für Kostenstelle und Jahr)"),
        new("budgetReicht", ActivityValueType.Boolean, Description: "bei pruefen: der Betrag passt ins verfügbare Budget"),
        new("budgetReserviert", ActivityValueType.Boolean, Description: "bei reservieren: der Betrag ist reserviert"),
        new("budgetAufgeloest", ActivityValueType.Boolean, Description: "bei aufloesen: eine Reservierung wurde aufgelöst"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = context.BusinessKey is { Length: > 0 } bk ? bk : context.ProcessInstanceId;
        var now = Instant.FromDateTimeOffset(context.Now);
        var store = register.Store;
        var kst = context.GetString("kostenstelle");
        var beginn = context.GetDate("beginn");
        var betrag = context.GetDecimal("betrag");
        try
        {
            return Task.FromResult(context.GetString("aktion") switch
            {
                "aufloesen" => Aufloesen(store, context.TenantId, id, now),
                "pruefen" or "reservieren" when kst is not { Length: > 0 } || beginn is null || betrag is not { } b || b <= 0 || b != decimal.Round(b, 2) =>
                    ActivityResult.Fail("fortbildungsbudget: kostenstelle, beginn (JJJJ-MM-TT) and a positive betrag in euros (cents at most) are needed"),
                "pruefen" => Pruefen(store, context.TenantId, kst!, beginn!.Value.Year, betrag!.Value),
                "reservieren" => Reservieren(context, store, id, kst!, beginn!.Value.Year, betrag!.Value, now),
                var other => ActivityResult.Fail($"fortbildungsbudget: aktion must be pruefen, reservieren or aufloesen; found '{other}'"),
            });
        }
        catch (ZeitConstraintException e) when (e.Code is ZeitFehler.KeinBudget or ZeitFehler.BudgetErschoepft)
        {
            var rest = kst is not null && beginn is { } d ? store.GetBudget(context.TenantId, kst, d.Year)?.Verfuegbar : null;
            return Task.FromResult(ActivityResult.BpmnError(e.Code, e.Message, new JsonObject { ["budgetVerfuegbar"] = rest }));
        }
        catch (ZeitConstraintException e)
        {
            return Task.FromResult(ActivityResult.Fail($"fortbildungsbudget: the budget refused the reservation {id}: {e.Message}"));
        }
    }

    private static ActivityResult Pruefen(IZeitStore store, string tenant, string kst, int jahr, decimal betrag)
    {
        var budget = store.GetBudget(tenant, kst, jahr);
        return ActivityResult.Complete(new JsonObject { ["budgetVerfuegbar"] = budget?.Verfuegbar, ["budgetReicht"] = budget is not null && betrag <= budget.Verfuegbar });
    }

    private static ActivityResult Reservieren(ActivityContext context, IZeitStore store, string id, string kst, int jahr, decimal betrag, Instant now)
    {
        var titel = context.GetString("titel") is { Length: > 0 } t ? (t.Length > 300 ? t[..300] : t) : "(ohne Titel)";
        store.Reservieren(context.TenantId, new Budgetreservierung(id, kst, jahr, betrag, ReservierungStatus.Reserviert,
            context.GetString("mitarbeiter") ?? "unbekannt", titel, context.ProcessInstanceId, now, null));
        return ActivityResult.Complete(new JsonObject { ["budgetReserviert"] = true, ["budgetVerfuegbar"] = store.GetBudget(context.TenantId, kst, jahr)?.Verfuegbar });
    }

    private static ActivityResult Aufloesen(IZeitStore store, string tenant, string id, Instant now)
    {
        var before = store.GetReservierung(tenant, id);
        store.Aufloesen(tenant, id, now);
        return ActivityResult.Complete(new JsonObject { ["budgetAufgeloest"] = before is { Status: ReservierungStatus.Reserviert } });
    }
}
