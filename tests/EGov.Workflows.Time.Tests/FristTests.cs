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
    [InlineData("2017-10-31", "Reformationstag (500. Jahrestag)")]
    public void Hessen_Holidays_AreKnownByName(string date, string name) =>
        HessenHolidays.Instance.HolidayName(NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value).ShouldBe(name);

    [Theory]
    [InlineData("2026-10-31")] // Reformationstag: not a holiday in Hessen (except 2017)
    [InlineData("2026-11-01")] // Allerheiligen: not in Hessen
    [InlineData("2026-01-06")] // Heilige Drei Könige: not in Hessen
    [InlineData("2026-12-24")] // Heiligabend: not a public holiday
    [InlineData("2026-04-05")] // Ostersonntag: a Sunday anyway, not listed
    public void Hessen_OtherDays_AreNoHolidays(string date) =>
        HessenHolidays.Instance.HolidayName(NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value).ShouldBeNull();

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
