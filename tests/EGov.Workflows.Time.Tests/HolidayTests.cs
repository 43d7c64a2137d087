using NodaTime;

namespace EGov.Workflows.Time.Tests;

/// <summary>
/// The holidays of all sixteen Länder from the PublicHoliday library, checked against the Länder's Feiertagsgesetze as
/// written down here independently (the official lists, 2020–2035), so a wrong library update fails a test.
/// </summary>
public class HolidayTests
{
    private static LocalDate D(int y, int m, int d) => new(y, m, d);

    /// <summary>The Länder's public holidays by their laws (as in force for the year), our own oracle.</summary>
    private static SortedSet<LocalDate> Official(Bundesland land, int year)
    {
        var easter = Easter.Sunday(year);
        var days = new SortedSet<LocalDate>
        {
            D(year, 1, 1), easter.PlusDays(-2), easter.PlusDays(1), D(year, 5, 1), easter.PlusDays(39), easter.PlusDays(50),
            D(year, 10, 3), D(year, 12, 25), D(year, 12, 26),
        };
        if (land is Bundesland.BW or Bundesland.BY or Bundesland.ST) days.Add(D(year, 1, 6));
        if (land == Bundesland.BE && year >= 2019 || land == Bundesland.MV && year >= 2023) days.Add(D(year, 3, 8));
        if (land == Bundesland.BE && year is 2020 or 2025) days.Add(D(year, 5, 8));
        if (land == Bundesland.BE && year == 2028) days.Add(D(2028, 6, 17)); // 75. Jahrestag des Volksaufstands (a Saturday)
        if (land == Bundesland.BB) { days.Add(easter); days.Add(easter.PlusDays(49)); }
        if (land is Bundesland.BW or Bundesland.BY or Bundesland.HE or Bundesland.NW or Bundesland.RP or Bundesland.SL) days.Add(easter.PlusDays(60));
        if (land is Bundesland.BY or Bundesland.SL) days.Add(D(year, 8, 15));
        if (land == Bundesland.TH && year >= 2019) days.Add(D(year, 9, 20));
        if (land is Bundesland.BB or Bundesland.MV or Bundesland.SN or Bundesland.ST or Bundesland.TH
            || land is Bundesland.HB or Bundesland.HH or Bundesland.NI or Bundesland.SH && year >= 2018 || year == 2017)
            days.Add(D(year, 10, 31));
        if (land is Bundesland.BW or Bundesland.BY or Bundesland.NW or Bundesland.RP or Bundesland.SL) days.Add(D(year, 11, 1));
        if (land == Bundesland.SN)
        {
            // Buß- und Bettag: the Wednesday before 23 November
            var d = D(year, 11, 22);
            while (d.DayOfWeek != IsoDayOfWeek.Wednesday) d = d.PlusDays(-1);
            days.Add(d);
        }
        return days;
    }

    public static TheoryData<Bundesland> Laender() => new(Enum.GetValues<Bundesland>());

    [Theory]
    [MemberData(nameof(Laender))]
    public void EveryLand_2020To2035_HasExactlyTheHolidaysOfItsLaw(Bundesland land)
    {
        for (var year = 2020; year <= 2035; year++)
        {
            var library = GermanHolidays.Of(land).InYear(year).Select(h => h.Date).ToList();
            library.ShouldBe(Official(land, year).ToList(), $"{land} {year}");
        }
    }

    [Fact]
    public void Hessen_2026_IsTheOfficialList() =>
        GermanHolidays.Of(Bundesland.HE).InYear(2026).Select(h => $"{h.Date:MM-dd} {h.Name}").ShouldBe(
        [
            "01-01 Neujahr", "04-03 Karfreitag", "04-06 Ostermontag", "05-01 Tag der Arbeit", "05-14 Christi Himmelfahrt",
            "05-25 Pfingstmontag", "06-04 Fronleichnam", "10-03 Tag der Deutschen Einheit", "12-25 1. Weihnachtstag", "12-26 2. Weihnachtstag",
        ]);

    [Theory]
    [InlineData(Bundesland.BE, "2019-03-08", "Internationaler Frauentag")]
    [InlineData(Bundesland.MV, "2023-03-08", "Internationaler Frauentag")]
    [InlineData(Bundesland.TH, "2019-09-20", "Weltkindertag")]
    [InlineData(Bundesland.SN, "2026-11-18", "Buß- und Bettag")]
    [InlineData(Bundesland.BY, "2026-08-15", "Mariä Himmelfahrt")]
    [InlineData(Bundesland.SL, "2026-08-15", "Mariä Himmelfahrt")]
    [InlineData(Bundesland.NI, "2018-10-31", "Reformationstag")]
    [InlineData(Bundesland.BE, "2020-05-08", "Tag der Befreiung")]
    [InlineData(Bundesland.BE, "2025-05-08", "Tag der Befreiung")]
    [InlineData(Bundesland.NW, "2026-06-04", "Fronleichnam")]
    public void Holiday_IsKnownByName(Bundesland land, string date, string name) =>
        GermanHolidays.Of(land).HolidayName(NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value).ShouldBe(name);

    [Theory]
    [InlineData(Bundesland.BE, "2018-03-08")] // Frauentag only from 2019
    [InlineData(Bundesland.MV, "2022-03-08")] // … and in MV from 2023
    [InlineData(Bundesland.TH, "2018-09-20")] // Weltkindertag from 2019
    [InlineData(Bundesland.NI, "2016-10-31")] // Reformationstag in NI from 2018 (2017 once everywhere)
    [InlineData(Bundesland.BE, "2026-05-08")] // Tag der Befreiung: 2020 and 2025 only
    [InlineData(Bundesland.SN, "2026-06-04")] // Fronleichnam: only in some communities (configure it locally)
    [InlineData(Bundesland.HE, "2026-08-15")]
    public void Holiday_NotInThatLandOrYear(Bundesland land, string date) =>
        GermanHolidays.Of(land).HolidayName(NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value).ShouldBeNull();
}
