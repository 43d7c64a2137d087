using System.Xml.Linq;
using EGov.Workflows.Model;

namespace EGov.Workflows.Runtime;

/// <summary>
/// Every attribute of our <c>egov:</c> namespace the runtime understands. Each one is declared in
/// docs/egov-moddle.json (the bpmn-js moddle descriptor); a test keeps the two in step.
/// </summary>
public static class EgovAttributes
{
    /// <summary><c>egov:activity="fee-calculation"</c> on a service, send or business-rule task (or a message throw event): the registered custom activity that implements it.</summary>
    public static readonly XName Activity = Namespaces.Egov + "activity";

    /// <summary>
    /// <c>egov:fourEyes="Task_Pruefen"</c> on a user task (Vier-Augen-Prinzip): whoever completed the named user task in the
    /// same case may not complete this one.
    /// </summary>
    public static readonly XName FourEyes = Namespaces.Egov + "fourEyes";

    /// <summary>
    /// <c>egov:uniqueBusinessKey="true"</c> on a process: at most one instance of the process (any version) per business key
    /// (an Aktenzeichen): a second start with a business key an existing instance holds is refused (an API answers 409).
    /// </summary>
    public static readonly XName UniqueBusinessKey = Namespaces.Egov + "uniqueBusinessKey";

    /// <summary>
    /// <c>egov:validFrom="2027-01-01"</c> on a process: the first day (the engine's zone, Europe/Berlin) whose applications
    /// this version handles. A new case starts on the version valid on its application date, not simply the latest; a
    /// version without it is valid from the beginning until the next dated version begins.
    /// </summary>
    public static readonly XName ValidFrom = Namespaces.Egov + "validFrom";

    /// <summary><c>egov:validTo="2026-12-31"</c> on a process: the last day (inclusive) this version handles; without it, until the next version begins.</summary>
    public static readonly XName ValidTo = Namespaces.Egov + "validTo";

    /// <summary><c>egov:legalBasis="§ 45 Abs. 1b StVO in der Fassung vom …"</c> on a process: the legal basis this version applies (shown with each case).</summary>
    public static readonly XName LegalBasis = Namespaces.Egov + "legalBasis";

    /// <summary>
    /// <c>egov:frist="P3M"</c> on a process (the case's Frist), a user task (its due date), a receive task, or a timer event
    /// (boundary or catch: it fires when the Frist has passed, at midnight after its last day): a legal deadline counted as
    /// BGB §§187–193 count it, with the public holidays of the tenant's Land. Years, months, weeks, days only.
    /// </summary>
    public static readonly XName Frist = Namespaces.Egov + "frist";

    /// <summary>
    /// <c>egov:fristBeginn="eingangVollstaendig"</c>: the variable (an ISO date, or a date-time taken in the engine's zone)
    /// holding the day the Frist counts from; without it, the day the element (or the case) starts.
    /// </summary>
    public static readonly XName FristBeginn = Namespaces.Egov + "fristBeginn";

    /// <summary><c>egov:fristArt="Ereignis|Beginn"</c>: Ereignisfrist (the event day does not count; the default) or Beginnfrist (BGB §187 (2)).</summary>
    public static readonly XName FristArt = Namespaces.Egov + "fristArt";

    /// <summary>
    /// <c>egov:fristHemmung="true"</c> on a wait (user or receive task, catch event, subprocess, call activity): while a token
    /// is there — the case waits for the citizen — every running Frist of the instance stops, and afterwards is extended by
    /// the days it stood still.
    /// </summary>
    public static readonly XName FristHemmung = Namespaces.Egov + "fristHemmung";

    /// <summary>
    /// <c>egov:fiktion="true"</c> on a timer event with egov:frist: §42a VwVfG Genehmigungsfiktion — when the Frist passes
    /// without a decision the permit counts as granted; the timer's path is the "fictitious approval" path and the variable
    /// <c>genehmigungsfiktion</c> becomes true.
    /// </summary>
    public static readonly XName Fiktion = Namespaces.Egov + "fiktion";

    /// <summary>
    /// <c>egov:messagePayload="kind eltern"</c> on a message intermediate throw or end event without an implementation: the engine
    /// delivers the message itself — to a receiver that waits for it with the case's business key as correlation key, else it
    /// starts the process whose message start event has that message (business key = the case's) — carrying ONLY the
    /// variables named here (space- or comma-separated; one not set is left out). Nothing else of the case reaches the
    /// receiver (once-only with consent: the model names what the consent covers). No receiver: an incident at the event.
    /// </summary>
    public static readonly XName MessagePayload = Namespaces.Egov + "messagePayload";

    /// <summary>All of them, by local name.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Activity.LocalName, FourEyes.LocalName, UniqueBusinessKey.LocalName, ValidFrom.LocalName, ValidTo.LocalName, LegalBasis.LocalName,
        Frist.LocalName, FristBeginn.LocalName, FristArt.LocalName, FristHemmung.LocalName, Fiktion.LocalName, MessagePayload.LocalName,
    ];
}
