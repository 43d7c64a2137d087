using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Termine;
using EGov.Workflows.Time;
using NodaTime;

namespace EGov.Workflows.Host.Termine;

/// <summary>A bookable time: [Von, Bis) and how many counters are still free then.</summary>
public sealed record FreieZeit(Instant Von, Instant Bis, int Frei);

/// <summary>A day's offer: the free times, or why the place is closed that day (a public holiday, no opening hours, out of the booking window).</summary>
public sealed record Tagesangebot(LocalDate Datum, string? Geschlossen, IReadOnlyList<FreieZeit> Zeiten);

/// <summary>
/// The rules of the Online-Terminierung over the tables: which times a place offers for a service on a day (its opening
/// hours in local time, its slot grid, the service's duration, the public holidays of the tenant's Fristen calendar, the
/// counters still free), and the case variables of an appointment. Whether a time is really still free when it is booked
/// is the database's decision (<see cref="ITerminStore.Buchen"/>), never this class's.
/// </summary>
public static class Terminbuch
{
    /// <summary>Local time of the Bürgerbüros.</summary>
    public static DateTimeZone Zone { get; } = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>How long before its start an appointment can still be booked online.</summary>
    public static Duration Vorlauf { get; } = Duration.FromMinutes(30);

    /// <summary>How long after its end a citizen who did not come counts as not attended (the case's timer).</summary>
    public static Duration Karenz { get; } = Duration.FromMinutes(30);

    /// <summary>The reminder goes out this long before the appointment (when the booking is earlier than that).</summary>
    public static Duration Erinnerung { get; } = Duration.FromHours(24);

    public static Tagesangebot Angebot(ITerminStore store, string tenantId, Standort standort, Dienstleistung leistung, LocalDate datum, FristCalculator fristen, Instant now)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(standort);
        ArgumentNullException.ThrowIfNull(leistung);
        ArgumentNullException.ThrowIfNull(fristen);
        var heute = now.InZone(Zone).Date;
        if (datum < heute) return new(datum, "Der Tag liegt in der Vergangenheit.", []);
        if (datum > heute.PlusDays(standort.VorlaufTage)) return new(datum, $"Termine können höchstens {standort.VorlaufTage} Tage im Voraus gebucht werden.", []);
        if (fristen.Holidays.HolidayName(datum) is { } feiertag) return new(datum, $"Feiertag: {feiertag}", []);
        var zeiten = store.Oeffnungszeiten(tenantId, standort.Id).Where(z => z.Wochentag == (int)datum.DayOfWeek).ToList();
        if (zeiten.Count == 0) return new(datum, "An diesem Tag ist der Standort geschlossen.", []);
        var dayStart = datum.AtStartOfDayInZone(Zone).ToInstant();
        var (belegt, _) = store.Tag(tenantId, standort.Id, dayStart, dayStart + Duration.FromDays(1), false, 0, 10_000);
        var dauer = Duration.FromMinutes(leistung.DauerMinuten);
        var frei = new List<FreieZeit>();
        foreach (var z in zeiten)
        {
            for (var m = z.VonMinute; m + leistung.DauerMinuten <= z.BisMinute; m += standort.RasterMinuten)
            {
                var von = Lokal(datum, m);
                var bis = von + dauer;
                if (von < now + Vorlauf) continue;
                var freieSchalter = Enumerable.Range(1, standort.Schalter)
                    .Count(k => !belegt.Any(t => t.Schalter == k && t.Von < bis && von < t.Bis));
                if (freieSchalter > 0) frei.Add(new FreieZeit(von, bis, freieSchalter));
            }
        }
        return new(datum, null, frei);
    }

    /// <summary>Whether <paramref name="von"/> is a start the place offers for the service that day (grid, hours, holiday, window); null when it is, else why not.</summary>
    public static string? Unpassend(ITerminStore store, string tenantId, Standort standort, Dienstleistung leistung, Instant von, FristCalculator fristen, Instant now, bool amSchalter = false)
    {
        var local = von.InZone(Zone);
        var datum = local.Date;
        if (von < now + (amSchalter ? Duration.Zero : Vorlauf)) return "Die Zeit liegt in der Vergangenheit oder zu kurz bevor.";
        if (datum > now.InZone(Zone).Date.PlusDays(standort.VorlaufTage)) return $"Termine können höchstens {standort.VorlaufTage} Tage im Voraus gebucht werden.";
        if (fristen.Holidays.HolidayName(datum) is { } feiertag) return $"Am {datum.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)} ist Feiertag ({feiertag}).";
        var minute = local.Hour * 60 + local.Minute;
        if (local.Second != 0 || local.NanosecondOfSecond != 0) return "Termine beginnen zu vollen Minuten.";
        var offen = store.Oeffnungszeiten(tenantId, standort.Id).Where(z => z.Wochentag == (int)datum.DayOfWeek)
            .FirstOrDefault(z => z.VonMinute <= minute && minute + leistung.DauerMinuten <= z.BisMinute);
        if (offen is null) return "Zu dieser Zeit ist der Standort nicht lange genug geöffnet.";
        if ((minute - offen.VonMinute) % standort.RasterMinuten != 0) return $"Termine beginnen im Raster von {standort.RasterMinuten} Minuten ab der Öffnung.";
        return null;
    }

    /// <summary>A new appointment number: year and eight characters without look-alikes, as the Aktenzeichen of citizen cases.</summary>
    public static string NeueNummer(Instant now)
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 8);
        return $"T-{now.InZone(Zone).Year.ToString(CultureInfo.InvariantCulture)}-{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    /// <summary>
    /// The case variables of an appointment: what the mails say (time in German words, place, service) and the instants the
    /// case's timers wait for (the reminder, the no-show). <paramref name="portal"/>: where the citizen pages are (the link to
    /// the appointment, where it can be cancelled after signing in — the link carries no secret).
    /// </summary>
    public static JsonObject Variablen(Termin t, Standort s, Dienstleistung d, Instant now, Uri? portal)
    {
        ArgumentNullException.ThrowIfNull(t);
        var erinnerungAm = t.Von - Erinnerung;
        return new JsonObject
        {
            ["termin"] = t.Id,
            ["terminStatus"] = t.Status,
            ["terminVon"] = Iso(t.Von),
            ["terminBis"] = Iso(t.Bis),
            ["terminText"] = Text(t.Von),
            ["schalter"] = t.Schalter,
            ["standort"] = s.Id,
            ["standortName"] = s.Name,
            ["standortAdresse"] = s.Adresse ?? "",
            ["dienstleistung"] = d.Id,
            ["dienstleistungName"] = d.Name,
            ["dauerMinuten"] = d.DauerMinuten,
            ["gruppe"] = s.Gruppe,
            ["erinnerung"] = erinnerungAm > now,
            ["erinnerungAm"] = Iso(erinnerungAm > now ? erinnerungAm : now),
            ["nichtErschienenAb"] = Iso(t.Bis + Karenz),
            ["absageLink"] = portal is null ? $"/buerger/termine/{t.Id}" : new Uri(portal, $"/buerger/termine/{Uri.EscapeDataString(t.Id)}").AbsoluteUri,
        };
    }

    public static string Iso(Instant i) => i.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static readonly string[] Wochentage = ["", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"];
    private static readonly string[] Monate = ["", "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];

    /// <summary>"Dienstag, 2. März 2027, 10:15 Uhr" (local time).</summary>
    public static string Text(Instant i)
    {
        var l = i.InZone(Zone).LocalDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{Wochentage[(int)l.DayOfWeek]}, {l.Day}. {Monate[l.Month]} {l.Year}, {l.Hour:00}:{l.Minute:00} Uhr");
    }

    /// <summary>"10:15" (local time).</summary>
    public static string Uhrzeit(Instant i)
    {
        var l = i.InZone(Zone).LocalDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{l.Hour:00}:{l.Minute:00}");
    }

    private static Instant Lokal(LocalDate datum, int minute) =>
        (datum + LocalTime.Midnight.PlusMinutes(minute)).InZoneLeniently(Zone).ToInstant();
}
