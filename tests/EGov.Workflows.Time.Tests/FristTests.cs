using NodaTime;

namespace EGov.Workflows.Time.Tests;

public class FristTests
{
    private static readonly FristCalculator Fristen = FristCalculator.Hessen;


    private static LocalDate D(int y, int m, int d) => new(y, m, d);

    [Theory]
    [InlineData(2000, 4, 23)]
    [InlineData(2019, 4, 21)]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    public void Easter_Sunday_IsComputed(int year, int month, int day) =>
        Easter.Sunday(year).ShouldBe(D(year, month, day));

    [Theory]
    [InlineData("2026-01-01", "Neujahr")]
    [InlineData("2026-04-03", "Karfreitag")]
    [InlineData("2026-04-06", "Ostermontag")]
    [InlineData("2026-05-01", "Tag der Arbeit")]
    [InlineData("2026-05-14", "Christi Himmelfahrt")]
    [InlineData("2026-05-25", "Pfingstmontag")]
    [InlineData("2026-06-04", "Fronleichnam")]
    [InlineData("2026-10-03", "Tag der Deutschen Einheit")]
    [InlineData("2026-12-25", "1. Weihnachtstag")]
    [InlineData("2026-12-26", "2. Weihnachtstag")]
    [InlineData("2017-10-31", "Reformationstag")]
    public void Hessen_Holidays_AreKnownByName(string date, string name) =>
        GermanHolidays.Of(Bundesland.HE).HolidayName(NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value).ShouldBe(name);

    [Theory]
    [InlineData("2026-10-31")] // Reformationstag: not a holiday in Hessen (except 2017)
    [InlineData("2026-11-01")] // Allerheiligen: not in Hessen
    [InlineData("2026-01-06")] // Heilige Drei Könige: not in Hessen
    [InlineData("2026-12-24")] // Heiligabend: not a public holiday
    [InlineData("2026-04-05")] // Ostersonntag: a Sunday anyway, not listed
    public void Hessen_OtherDays_AreNoHolidays(string date) =>
        GermanHolidays.Of(Bundesland.HE).HolidayName(NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value).ShouldBeNull();

    [Fact]
    public void Frist_InDays_EventDayDoesNotCount() =>
        Fristen.Fristende(D(2026, 1, 5), Period.FromDays(1)).ShouldBe(D(2026, 1, 6));

    [Fact]
    public void Frist_InWeeks_EndsOnTheSameWeekday() =>
        Fristen.Fristende(D(2026, 1, 5), Period.FromWeeks(2)).ShouldBe(D(2026, 1, 19));

    [Fact]
    public void Frist_InMonths_EndsOnTheSameDate() =>
        Fristen.Fristende(D(2026, 2, 10), Period.FromMonths(1)).ShouldBe(D(2026, 3, 10));

    [Fact]
    public void Frist_InMonths_MissingDate_EndsOnTheMonthsLastDay_ThenMovesOffTheWeekend() =>
        // 31 Jan + 1 month → 28 Feb 2026, a Saturday → Monday 2 March
        Fristen.Fristende(D(2026, 1, 31), Period.FromMonths(1)).ShouldBe(D(2026, 3, 2));

    [Fact]
    public void Frist_InMonths_LeapYear_EndsOn29February() =>
        Fristen.Fristende(D(2024, 1, 31), Period.FromMonths(1)).ShouldBe(D(2024, 2, 29));

    [Fact]
    public void Frist_InYears_From29February_EndsOn28February() =>
        Fristen.Fristende(D(2024, 2, 29), Period.FromYears(1)).ShouldBe(D(2025, 2, 28));

    [Fact]
    public void Frist_EndingOnSunday_MovesToMonday() =>
        Fristen.Fristende(D(2026, 1, 15), Period.FromMonths(1)).ShouldBe(D(2026, 2, 16));

    [Fact]
    public void Frist_EndingOnSaturday_MovesToMonday() =>
        Fristen.Fristende(D(2026, 4, 30), Period.FromMonths(1)).ShouldBe(D(2026, 6, 1));

    [Fact]
    public void Frist_EndingOnKarfreitag_MovesPastEaster() =>
        // 3 April 2026 Karfreitag, 4 Sat, 5 Easter Sunday, 6 Ostermontag → Tuesday 7 April
        Fristen.Fristende(D(2026, 3, 3), Period.FromMonths(1)).ShouldBe(D(2026, 4, 7));

    [Fact]
    public void Frist_EndingOnChristmas_MovesToTheNextWorkingDay() =>
        Fristen.Fristende(D(2026, 12, 21), Period.FromDays(4)).ShouldBe(D(2026, 12, 28));

    [Fact]
    public void Frist_EndingOnReformationstag2017_MovesToTheNextDay() =>
        Fristen.Fristende(D(2017, 10, 24), Period.FromWeeks(1)).ShouldBe(D(2017, 11, 1));

    [Fact]
    public void Frist_Ablauf_IsTheStartOfTheFollowingDay() =>
        Fristen.Fristablauf(D(2026, 1, 5), Period.FromWeeks(2), T.Berlin).InBerlin().ShouldBe("2026-01-20T00:00:00+01");

    [Fact]
    public void Frist_FromIsoDuration_Works() =>
        Fristen.Fristende(D(2026, 2, 10), IsoDuration.Parse("P1M")).ShouldBe(D(2026, 3, 10));

    [Fact]
    public void Frist_InHours_IsRefused() =>
        Should.Throw<ArgumentException>(() => Fristen.Fristende(D(2026, 1, 5), Period.FromHours(48)))
            .Message.ShouldStartWith("a Frist is counted in years, months, weeks and days, not in hours or minutes");

    [Fact]
    public void WorkingDayCalendar_MovesWeekendsAndHolidaysToTheNextWorkingDay_KeepingWallClock()
    {
        var calendar = WorkingDayCalendar.Hessen;
        calendar.Resolve(T.At("2026-01-10T10:00:00+01:00"), T.Berlin).InBerlin().ShouldBe("2026-01-12T10:00:00+01");
        calendar.Resolve(T.At("2026-04-03T09:00:00+02:00"), T.Berlin).InBerlin().ShouldBe("2026-04-07T09:00:00+02");
        calendar.Resolve(T.At("2026-01-09T10:00:00+01:00"), T.Berlin).InBerlin().ShouldBe("2026-01-09T10:00:00+01");
    }

    [Fact]
    public void PlainCalendar_ChangesNothing() =>
        PlainCalendar.Instance.Resolve(T.At("2026-01-10T10:00:00+01:00"), T.Berlin).ShouldBe(T.At("2026-01-10T10:00:00+01:00"));
}

/// <summary>BGB §§187–193 with hand-computed dates: each test names the rule it shows.</summary>
public class FristRuleTests
{
    private static LocalDate D(int y, int m, int d) => new(y, m, d);
    private static readonly FristCalculator Hessen = FristCalculator.For(Bundesland.HE);
    private static readonly FristCalculator Bayern = FristCalculator.For(Bundesland.BY);

    [Fact]
    public void Ereignisfrist_Month_From31January_EndsOnTheLastDayOfFebruary_OnSunday_MovesToMonday() =>
        // 31 Jan 2027 + 1 month: 31 Feb is missing → 28 Feb 2027 (§188 (3)), a Sunday → Monday 1 March (§193)
        Hessen.Fristende(D(2027, 1, 31), Period.FromMonths(1), FristArt.Ereignis).ShouldBe(D(2027, 3, 1));

    [Fact]
    public void Ereignisfrist_RechnerischesEnde_IsBeforeTheWeekendRule() =>
        FristCalculator.RechnerischesEnde(D(2027, 1, 31), Period.FromMonths(1), FristArt.Ereignis).ShouldBe(D(2027, 2, 28));

    [Fact]
    public void Beginnfrist_Month_From1March_EndsOn31March() =>
        // §187 (2), §188 (2): the day before the one corresponding to 1 April → Tuesday 31 March 2026
        Hessen.Fristende(D(2026, 3, 1), Period.FromMonths(1), FristArt.Beginn).ShouldBe(D(2026, 3, 31));

    [Fact]
    public void Beginnfrist_Month_From31January_LeapYear_EndsOn29February() =>
        // the day before "31 February" is "30 February": missing → the month's last day, Thursday 29 Feb 2024
        Hessen.Fristende(D(2024, 1, 31), Period.FromMonths(1), FristArt.Beginn).ShouldBe(D(2024, 2, 29));

    [Fact]
    public void Beginnfrist_Month_From15January_EndsOn14February_ThenMovesOffTheSaturday() =>
        // 14 Feb 2026 is a Saturday → Monday 16 February
        Hessen.Fristende(D(2026, 1, 15), Period.FromMonths(1), FristArt.Beginn).ShouldBe(D(2026, 2, 16));

    [Fact]
    public void Beginnfrist_Weeks_FirstDayCounts() =>
        // two weeks beginning Thursday 15 Jan 2026 end on Wednesday 28 Jan
        Hessen.Fristende(D(2026, 1, 15), Period.FromWeeks(2), FristArt.Beginn).ShouldBe(D(2026, 1, 28));

    [Fact]
    public void Beginnfrist_Days_FirstDayCounts() =>
        Hessen.Fristende(D(2026, 1, 5), Period.FromDays(10), FristArt.Beginn).ShouldBe(D(2026, 1, 14));

    [Fact]
    public void Ereignisfrist_EndingOnEpiphany_EndsThereInHessen_ButMovesInBavaria()
    {
        // Bekanntgabe Saturday 6 Dec 2025 + 1 month → Tuesday 6 Jan 2026: Heilige Drei Könige in BY, not in HE
        Hessen.Fristende(D(2025, 12, 6), Period.FromMonths(1)).ShouldBe(D(2026, 1, 6));
        Bayern.Fristende(D(2025, 12, 6), Period.FromMonths(1)).ShouldBe(D(2026, 1, 7));
    }

    [Fact]
    public void Ereignisfrist_EndingOnMariaeHimmelfahrt_MovesInBavariaAndSaarland_OverTheWeekend()
    {
        // 15 Jul 2025 + 1 month → Friday 15 Aug 2025: a holiday in BY and SL → Monday 18 August
        Hessen.Fristende(D(2025, 7, 15), Period.FromMonths(1)).ShouldBe(D(2025, 8, 15));
        Bayern.Fristende(D(2025, 7, 15), Period.FromMonths(1)).ShouldBe(D(2025, 8, 18));
        FristCalculator.For(Bundesland.SL).Fristende(D(2025, 7, 15), Period.FromMonths(1)).ShouldBe(D(2025, 8, 18));
    }

    [Fact]
    public void Ereignisfrist_EndingOnReformationstag_MovesInSaxony()
    {
        // 31 Aug 2025 + 2 months → Friday 31 Oct 2025 → in SN Monday 3 November
        Hessen.Fristende(D(2025, 8, 31), Period.FromMonths(2)).ShouldBe(D(2025, 10, 31));
        FristCalculator.For(Bundesland.SN).Fristende(D(2025, 8, 31), Period.FromMonths(2)).ShouldBe(D(2025, 11, 3));
    }

    [Fact]
    public void Ereignisfrist_EndingOnBussUndBettag_MovesOnlyInSaxony()
    {
        // 4 Nov 2026 + 2 weeks → Wednesday 18 Nov 2026, Buß- und Bettag in SN
        FristCalculator.For(Bundesland.SN).Fristende(D(2026, 11, 4), Period.FromWeeks(2)).ShouldBe(D(2026, 11, 19));
        Bayern.Fristende(D(2026, 11, 4), Period.FromWeeks(2)).ShouldBe(D(2026, 11, 18));
    }

    [Fact]
    public void Ereignisfrist_EndingOnWeltkindertag_MovesOnlyInThuringia()
    {
        // 20 Aug 2027 + 1 month → Monday 20 Sep 2027
        FristCalculator.For(Bundesland.TH).Fristende(D(2027, 8, 20), Period.FromMonths(1)).ShouldBe(D(2027, 9, 21));
        Hessen.Fristende(D(2027, 8, 20), Period.FromMonths(1)).ShouldBe(D(2027, 9, 20));
    }

    [Fact]
    public void Ereignisfrist_EndingOnFrauentag_MovesInBerlinAndMecklenburgVorpommern()
    {
        // 8 Feb 2027 + 1 month → Monday 8 Mar 2027
        FristCalculator.For(Bundesland.BE).Fristende(D(2027, 2, 8), Period.FromMonths(1)).ShouldBe(D(2027, 3, 9));
        FristCalculator.For(Bundesland.MV).Fristende(D(2027, 2, 8), Period.FromMonths(1)).ShouldBe(D(2027, 3, 9));
        Hessen.Fristende(D(2027, 2, 8), Period.FromMonths(1)).ShouldBe(D(2027, 3, 8));
    }

    [Fact]
    public void Augsburg_FriedensfestConfigured_MovesTheEnd()
    {
        // 8 Jul 2025 + 1 month → Friday 8 Aug 2025, the Friedensfest in Augsburg → Monday 11 August
        var augsburg = FristCalculator.For(Bundesland.BY, LocalHolidays.Parse(["Augsburger Hohes Friedensfest"]));
        augsburg.Fristende(D(2025, 7, 8), Period.FromMonths(1)).ShouldBe(D(2025, 8, 11));
        Bayern.Fristende(D(2025, 7, 8), Period.FromMonths(1)).ShouldBe(D(2025, 8, 8));
    }

    [Fact]
    public void ProtestantCommunityInBavaria_WithoutMariaeHimmelfahrt_EndsOn15August()
    {
        var protestant = FristCalculator.For(Bundesland.BY, LocalHolidays.Parse(["-Mariä Himmelfahrt"]));
        protestant.Fristende(D(2025, 7, 15), Period.FromMonths(1)).ShouldBe(D(2025, 8, 15));
    }

    [Fact]
    public void CatholicCommunityInSaxony_WithFronleichnam_MovesTheEnd()
    {
        // 4 May 2026 + 1 month → Thursday 4 June 2026, Fronleichnam
        var local = FristCalculator.For(Bundesland.SN, LocalHolidays.Parse(["Fronleichnam", "2026-06-05 Stadtfest"]));
        local.Fristende(D(2026, 5, 4), Period.FromMonths(1)).ShouldBe(D(2026, 6, 8));
        FristCalculator.For(Bundesland.SN).Fristende(D(2026, 5, 4), Period.FromMonths(1)).ShouldBe(D(2026, 6, 4));
    }

    [Theory]
    [InlineData("32-01 Quatsch", "'32-01' is not a date")]
    [InlineData("08-08", "expected 'MM-DD Name'")]
    [InlineData("-", "must be followed by the name")]
    public void LocalHolidays_BadEntry_IsRefusedWithWhatIsExpected(string entry, string message) =>
        Should.Throw<FormatException>(() => LocalHolidays.Parse([entry])).Message.ShouldContain(message);

    [Fact]
    public void Hemmung_TenDays_MovesTheEnd_ThenTheWeekendRuleApplies() =>
        // 5 Jan 2026 + 1 month → Thursday 5 Feb; 10 days of Hemmung (10–19 Jan) → Sunday 15 Feb → Monday 16 Feb
        Hessen.Fristende(D(2026, 1, 5), Period.FromMonths(1), FristArt.Ereignis, FristCalculator.Hemmungstage(D(2026, 1, 10), D(2026, 1, 19)))
            .ShouldBe(D(2026, 2, 16));

    [Fact]
    public void Hemmung_BegunAndEndedOnTheSameDay_IsOneDay() =>
        FristCalculator.Hemmungstage(D(2026, 1, 10), D(2026, 1, 10)).ShouldBe(1);

    [Theory]
    [InlineData("2024-12-30", "2025-01-02")] // posted before 2025: the third day (Thursday)
    [InlineData("2025-01-02", "2025-01-06")] // from 2025: the fourth day (Monday)
    [InlineData("2025-12-05", "2025-12-09")] // Friday → Tuesday
    [InlineData("2025-12-02", "2025-12-08")] // Tuesday → Saturday 6 Dec → Monday 8 Dec
    public void Bekanntgabefiktion_FourthDayAfterPosting_SinceTheReformOf2025(string posted, string known) =>
        Hessen.Bekanntgabetag(NodaTime.Text.LocalDatePattern.Iso.Parse(posted).Value)
            .ShouldBe(NodaTime.Text.LocalDatePattern.Iso.Parse(known).Value);

    [Fact]
    public void Bekanntgabefiktion_OnEpiphanyInBavaria_MovesToTheNextWorkingDay() =>
        // posted Thursday 2 Jan 2025 → Monday 6 Jan, Heilige Drei Könige in BY → Tuesday 7 Jan
        Bayern.Bekanntgabetag(D(2025, 1, 2)).ShouldBe(D(2025, 1, 7));

    [Fact]
    public void Widerspruchsfrist_RunsOneMonthFromTheBekanntgabe() =>
        // posted Friday 5 Dec 2025 → known Tuesday 9 Dec → Widerspruch until Friday 9 Jan 2026
        Hessen.Fristende(Hessen.Bekanntgabetag(D(2025, 12, 5)), Period.FromMonths(1)).ShouldBe(D(2026, 1, 9));

    [Fact]
    public void Genehmigungsfiktion_ThreeMonthsFromCompleteDocuments_MonthEndAndWeekend() =>
        // complete on Sunday 30 Nov 2025 + 3 months → "30 Feb" missing → Saturday 28 Feb 2026 → Monday 2 March
        Hessen.Genehmigungsfiktion(D(2025, 11, 30)).ShouldBe(D(2026, 3, 2));

    [Fact]
    public void Genehmigungsfiktion_OtherFristByLaw() =>
        Hessen.Genehmigungsfiktion(D(2026, 1, 5), Period.FromMonths(1)).ShouldBe(D(2026, 2, 5));

    [Fact]
    public void Frist_OfNoLength_IsRefused() =>
        Should.Throw<ArgumentException>(() => Hessen.Fristende(D(2026, 1, 5), Period.Zero)).Message.ShouldContain("no length");

    [Fact]
    public void Fristablauf_IsMidnightAfterTheLastDay_InBerlin() =>
        FristCalculator.Ablauf(D(2026, 3, 28), T.Berlin).InBerlin().ShouldBe("2026-03-29T00:00:00+01");

    [Theory]
    [InlineData("HE", Bundesland.HE)]
    [InlineData("de-by", Bundesland.BY)]
    [InlineData("Thüringen", Bundesland.TH)]
    public void Land_IsReadFromCodeOrName(string text, Bundesland land)
    {
        Bundeslaender.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(land);
    }

    [Theory]
    [InlineData("6")]
    [InlineData("XX")]
    [InlineData("")]
    public void Land_Unknown_IsNoLand(string text) => Bundeslaender.TryParse(text, out _).ShouldBeFalse();
}
