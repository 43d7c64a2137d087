using System.Globalization;
using NodaTime;

namespace EGov.Workflows.Time;

/// <summary>
/// A Quartz/Camunda cron expression: <c>sec min hour day-of-month month day-of-week [year]</c>, evaluated in a zone.
/// <list type="bullet">
/// <item>Every field: <c>*</c>, numbers, lists <c>1,15</c>, ranges <c>MON-FRI</c>, steps <c>0/5</c>, <c>*/10</c>, <c>10-40/10</c>.</item>
/// <item>Months <c>1-12</c> or <c>JAN-DEC</c>; days of week <c>1-7</c> with 1 = Sunday (Quartz) or <c>SUN-SAT</c>.</item>
/// <item>Day of month: <c>?</c>, <c>L</c> (last day), <c>L-3</c> (three days before the last). Day of week: <c>?</c>,
/// <c>6L</c> (last Friday of the month), <c>6#3</c> (third Friday).</item>
/// <item>If both day fields are restricted (neither is <c>?</c> or <c>*</c>) the expression is rejected, as Quartz does.</item>
/// <item>Year: 1970-2099, optional.</item>
/// </list>
/// Local times that do not exist in the zone (the hour skipped when clocks go forward) are skipped; a local
/// time that occurs twice (clocks go back) fires once, at its first occurrence. <c>W</c> is not supported.
/// </summary>
public sealed class CronExpression
{
    private const int MaxYear = 2099;

    private static readonly string[] s_monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] s_dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds = new bool[60];
    private readonly bool[] _minutes = new bool[60];
    private readonly bool[] _hours = new bool[24];
    private readonly bool[] _daysOfMonth = new bool[32];
    private readonly bool[] _months = new bool[13];
    private readonly bool[] _daysOfWeek = new bool[8]; // Quartz numbering: 1 = Sunday … 7 = Saturday
    private readonly bool[] _years = new bool[MaxYear + 1];
    private bool _anyDayOfMonth = true;
    private bool _anyDayOfWeek = true;
    private int? _lastDayOfMonthOffset;   // L or L-n
    private int? _lastWeekdayOfMonth;     // 6L
    private (int Day, int Nth)? _nthWeekday; // 6#3

    private CronExpression(string text) => Text = text;

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses a 6- or 7-field Quartz cron expression; throws <see cref="TimerFormatException"/> naming the field at fault.</summary>
    public static CronExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (6 or 7))
            throw new TimerFormatException($"cron expression '{text}' has {fields.Length} fields; expected 6 or 7: second minute hour day-of-month month day-of-week [year], e.g. '0 0 8 ? * MON-FRI'");
        var cron = new CronExpression(text.Trim());
        cron.ParseField(fields[0], "second", 0, 59, cron._seconds, null);
        cron.ParseField(fields[1], "minute", 0, 59, cron._minutes, null);
        cron.ParseField(fields[2], "hour", 0, 23, cron._hours, null);
        cron.ParseDayOfMonth(fields[3]);
        cron.ParseField(fields[4], "month", 1, 12, cron._months, s_monthNames);
        cron.ParseDayOfWeek(fields[5]);
        if (fields.Length == 7)
            cron.ParseField(fields[6], "year", 1970, MaxYear, cron._years, null);
        else
            Array.Fill(cron._years, true);
        if (!cron._anyDayOfMonth && !cron._anyDayOfWeek)
            throw new TimerFormatException($"cron expression '{text}': day-of-month and day-of-week are both restricted; set one of them to '?'");
        return cron;
    }

    private void ParseDayOfMonth(string field)
    {
        if (field is "?" or "*")
        {
            Array.Fill(_daysOfMonth, true);
            return;
        }
        _anyDayOfMonth = false;
        var upper = field.ToUpperInvariant();
        if (upper == "L")
        {
            _lastDayOfMonthOffset = 0;
            return;
        }
        if (upper.StartsWith("L-", StringComparison.Ordinal) && int.TryParse(upper[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= 30)
        {
            _lastDayOfMonthOffset = offset;
            return;
        }
        if (upper.Contains('W', StringComparison.Ordinal))
            throw new TimerFormatException($"cron expression '{Text}': day-of-month '{field}': 'W' (nearest weekday) is not supported");
        ParseField(field, "day-of-month", 1, 31, _daysOfMonth, null);
    }

    private void ParseDayOfWeek(string field)
    {
        if (field is "?" or "*")
        {
            Array.Fill(_daysOfWeek, true);
            return;
        }
        _anyDayOfWeek = false;
        var upper = field.ToUpperInvariant();
        if (upper.EndsWith('L') && upper.Length > 1)
        {
            _lastWeekdayOfMonth = DayValue(upper[..^1], field);
            return;
        }
        var hash = upper.IndexOf('#', StringComparison.Ordinal);
        if (hash > 0)
        {
            var day = DayValue(upper[..hash], field);
            if (!int.TryParse(upper[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
                throw new TimerFormatException($"cron expression '{Text}': day-of-week '{field}': after '#' expected 1 to 5");
            _nthWeekday = (day, nth);
            return;
        }
        ParseField(field, "day-of-week", 1, 7, _daysOfWeek, s_dayNames);
    }

    private int DayValue(string text, string field)
    {
        var index = Array.IndexOf(s_dayNames, text);
        if (index >= 0) return index + 1;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 7)
            return value;
        throw new TimerFormatException($"cron expression '{Text}': day-of-week '{field}': expected 1-7 (1 = Sunday) or SUN-SAT");
    }

    private void ParseField(string field, string name, int min, int max, bool[] allowed, string[]? names)
    {
        foreach (var item in field.Split(','))
        {
            if (item.Length == 0)
                throw new TimerFormatException($"cron expression '{Text}': {name} '{field}' has an empty list item");
            var rangeText = item;
            var step = 1;
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                    throw new TimerFormatException($"cron expression '{Text}': {name} '{field}': expected a positive step after '/'");
                rangeText = item[..slash];
            }
            int from, to;
            if (rangeText is "*" or "?")
            {
                (from, to) = (min, max);
            }
            else
            {
                var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0)
                {
                    from = Value(rangeText[..dash], name, field, min, max, names);
                    to = Value(rangeText[(dash + 1)..], name, field, min, max, names);
                    if (to < from)
                        throw new TimerFormatException($"cron expression '{Text}': {name} '{field}': the range {rangeText} runs backwards");
                }
                else
                {
                    from = Value(rangeText, name, field, min, max, names);
                    to = slash >= 0 ? max : from; // "0/5": from 0 every 5
                }
            }
            for (var v = from; v <= to; v += step)
                allowed[v] = true;
        }
    }

    private int Value(string text, string name, string field, int min, int max, string[]? names)
    {
        if (names is not null)
        {
            var index = Array.IndexOf(names, text.ToUpperInvariant());
            if (index >= 0)
                return index + 1;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        var namesHint = names is null ? "" : $" or {names[0]}-{names[^1]}";
        throw new TimerFormatException($"cron expression '{Text}': {name} '{field}': expected values {min}-{max}{namesHint}, found '{text}'");
    }

    /// <summary>The first instant strictly after <paramref name="after"/> the expression matches in <paramref name="zone"/>; null when none remains (year 2099 passed).</summary>
    public Instant? NextAfter(Instant after, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var startLocal = after.InZone(zone).LocalDateTime;
        var startDate = startLocal.Date;
        for (var year = startDate.Year; year <= MaxYear; year++)
        {
            if (year < 1970 || !_years[year])
                continue;
            for (var month = year == startDate.Year ? startDate.Month : 1; month <= 12; month++)
            {
                if (!_months[month])
                    continue;
                var daysInMonth = CalendarSystem.Iso.GetDaysInMonth(year, month);
                var firstDay = year == startDate.Year && month == startDate.Month ? startDate.Day : 1;
                for (var day = firstDay; day <= daysInMonth; day++)
                {
                    var date = new LocalDate(year, month, day);
                    if (!DayMatches(date, daysInMonth))
                        continue;
                    var found = FirstTimeOn(date, date == startDate ? startLocal.TimeOfDay : null, after, zone);
                    if (found is not null)
                        return found;
                }
            }
        }
        return null;
    }

    private Instant? FirstTimeOn(LocalDate date, LocalTime? notBefore, Instant after, DateTimeZone zone)
    {
        // Offsets change by at most a few hours, so on the first day skip hours well before the start.
        var minHour = notBefore is { } t ? Math.Max(0, t.Hour - 3) : 0;
        for (var hour = minHour; hour < 24; hour++)
        {
            if (!_hours[hour]) continue;
            for (var minute = 0; minute < 60; minute++)
            {
                if (!_minutes[minute]) continue;
                for (var second = 0; second < 60; second++)
                {
                    if (!_seconds[second]) continue;
                    var mapping = zone.MapLocal(date + new LocalTime(hour, minute, second));
                    if (mapping.Count == 0)
                        continue; // skipped by a DST gap
                    var instant = mapping.First().ToInstant();
                    if (instant > after)
                        return instant;
                }
            }
        }
        return null;
    }

    private bool DayMatches(LocalDate date, int daysInMonth)
    {
        var quartzDayOfWeek = ((int)date.DayOfWeek % 7) + 1; // ISO Monday=1…Sunday=7 → Quartz Sunday=1…Saturday=7
        if (_lastDayOfMonthOffset is { } offset)
            return date.Day == daysInMonth - offset && _daysOfWeek[quartzDayOfWeek];
        if (_lastWeekdayOfMonth is { } lastWeekday)
            return quartzDayOfWeek == lastWeekday && date.Day + 7 > daysInMonth;
        if (_nthWeekday is { } nth)
            return quartzDayOfWeek == nth.Day && (date.Day - 1) / 7 + 1 == nth.Nth;
        return _daysOfMonth[date.Day] && _daysOfWeek[quartzDayOfWeek];
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
