using EGov.Workflows.Model;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Runtime.Graph;

/// <summary>An <c>egov:frist</c> as the model writes it, read once at deployment.</summary>
/// <param name="Dauer">The period (years, months, weeks, days).</param>
/// <param name="Text">The period as written (P2W), for the history and views.</param>
/// <param name="Art">Ereignis- or Beginnfrist.</param>
/// <param name="Beginn">The variable holding the day it counts from (null: the day the element or case starts).</param>
/// <param name="Fiktion">§42a VwVfG: the timer's path is the fictitious approval.</param>
internal sealed record FristDef(Period Dauer, string Text, Time.FristArt Art, string? Beginn, bool Fiktion)
{
    /// <summary>
    /// Reads egov:frist and its companions from <paramref name="at"/>; problems (positioned by the caller) go to
    /// <paramref name="problem"/>. Null when the element has no egov:frist.
    /// </summary>
    public static FristDef? Read(BpmnElement at, string what, bool timer, Action<string> problem)
    {
        var text = at.Attribute(EgovAttributes.Frist)?.Trim();
        var art = at.Attribute(EgovAttributes.FristArt)?.Trim();
        var beginn = at.Attribute(EgovAttributes.FristBeginn)?.Trim();
        var fiktion = at.Attribute(EgovAttributes.Fiktion)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            foreach (var (name, value) in new[] { ("fristArt", art), ("fristBeginn", beginn), ("fiktion", fiktion) })
                if (value is not null) problem($"error: egov:{name} on {what} needs egov:frist (the Frist itself, e.g. P3M)");
            return null;
        }
        var parsed = PeriodPattern.NormalizingIso.Parse(text);
        if (!parsed.Success)
        {
            problem($"error: egov:frist '{text}' on {what} is not a Frist: an ISO 8601 period in years, months, weeks or days (P14D, P2W, P3M, P1Y)");
            return null;
        }
        var period = parsed.Value;
        if (period.HasTimeComponent)
        {
            problem($"error: egov:frist '{text}' on {what} counts hours or minutes; the law counts a Frist in days, weeks, months or years (BGB §§187–193): write e.g. P3D");
            return null;
        }
        if (period.Years < 0 || period.Months < 0 || period.Weeks < 0 || period.Days < 0 || period.Equals(Period.Zero))
        {
            problem($"error: egov:frist '{text}' on {what} must be longer than nothing and not negative");
            return null;
        }
        var kind = Time.FristArt.Ereignis;
        if (art is not null && !Enum.TryParse(art, ignoreCase: true, out kind) || art is not null && int.TryParse(art, out _))
        {
            problem($"error: egov:fristArt '{art}' on {what}: expected Ereignis (the event day does not count) or Beginn (the first day counts)");
            kind = Time.FristArt.Ereignis;
        }
        if (beginn is { Length: 0 }) beginn = null;
        var isFiktion = false;
        if (fiktion is not null)
        {
            if (!bool.TryParse(fiktion, out isFiktion)) problem($"error: egov:fiktion '{fiktion}' on {what}: expected true or false");
            else if (isFiktion && !timer) problem($"error: egov:fiktion on {what}: the Genehmigungsfiktion (§42a VwVfG) is the path of a timer event with egov:frist, e.g. a boundary timer on the decision");
        }
        return new FristDef(period, text, kind, beginn, isFiktion);
    }
}
