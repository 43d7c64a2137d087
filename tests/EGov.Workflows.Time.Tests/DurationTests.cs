using NodaTime;

namespace EGov.Workflows.Time.Tests;

public class DurationTests
{
    [Theory]
    [InlineData("P3D", 0, 0, 0, 3, 0, 0, 0)]
    [InlineData("PT1H30M", 0, 0, 0, 0, 1, 30, 0)]
    [InlineData("P1M", 0, 1, 0, 0, 0, 0, 0)]
    [InlineData("P2W", 0, 0, 2, 0, 0, 0, 0)]
    [InlineData("P1Y2M3DT4H5M6S", 1, 2, 0, 3, 4, 5, 6)]
    public void Parse_IsoDuration_ReadsEveryPart(string text, int years, int months, int weeks, int days, int hours, int minutes, int seconds)
    {
        var period = IsoDuration.Parse(text);
        period.Years.ShouldBe(years);
        period.Months.ShouldBe(months);
        period.Weeks.ShouldBe(weeks);
        period.Days.ShouldBe(days);
        period.Hours.ShouldBe(hours);
        period.Minutes.ShouldBe(minutes);
        period.Seconds.ShouldBe(seconds);
    }

    [Fact]
    public void Parse_FractionalSeconds_KeepsTheFraction()
    {
        var period = IsoDuration.Parse("P1Y2M3DT4H5M6.5S");
        period.Seconds.ShouldBe(6);
        period.Nanoseconds.ShouldBe(500_000_000);
    }

    [Theory]
    [InlineData("-P1D", "negative")]
    [InlineData("P-1D", "negative")]
    [InlineData("P", "is not an ISO 8601 duration")]
    [InlineData("PT", "is not an ISO 8601 duration")]
    [InlineData("3 days", "is not an ISO 8601 duration")]
    [InlineData("P1H", "is not an ISO 8601 duration")]
    [InlineData("", "empty")]
    [InlineData("PT1690953981H", "longer than the longest duration a timer can wait")]
    [InlineData("P251Y", "longer than the longest duration a timer can wait")]
    [InlineData("P99999999999Y", "too large")]
    public void Parse_Invalid_SaysWhatWasExpected(string text, string fragment) =>
        Should.Throw<TimerFormatException>(() => IsoDuration.Parse(text)).Message.ShouldContain(fragment);

    [Fact]
    public void Parse_TheLongestRetentionOfTheLaw_Fits() =>
        IsoDuration.Parse("P110Y").Years.ShouldBe(110); // Geburtenregister, § 7 PStG

    [Fact]
    public void Duration_AcrossSpringForward_KeepsWallClock() =>
        IsoDuration.AddTo(T.At("2026-03-28T09:00:00+01:00"), IsoDuration.Parse("P1D"), T.Berlin)
            .InBerlin().ShouldBe("2026-03-29T09:00:00+02");

    [Fact]
    public void Duration_InHoursAcrossSpringForward_IsElapsedTime() =>
        IsoDuration.AddTo(T.At("2026-03-28T09:00:00+01:00"), IsoDuration.Parse("PT24H"), T.Berlin)
            .InBerlin().ShouldBe("2026-03-29T10:00:00+02");

    [Fact]
    public void Duration_AcrossFallBack_KeepsWallClock() =>
        IsoDuration.AddTo(T.At("2026-10-24T09:00:00+02:00"), IsoDuration.Parse("P1D"), T.Berlin)
            .InBerlin().ShouldBe("2026-10-25T09:00:00+01");

    [Fact]
    public void Duration_InHoursAcrossFallBack_IsElapsedTime() =>
        IsoDuration.AddTo(T.At("2026-10-24T09:00:00+02:00"), IsoDuration.Parse("PT24H"), T.Berlin)
            .InBerlin().ShouldBe("2026-10-25T08:00:00+01");

    [Fact]
    public void Duration_OneMonthFromJanuary31_EndsOnLastDayOfFebruary() =>
        IsoDuration.AddTo(T.At("2026-01-31T10:00:00+01:00"), IsoDuration.Parse("P1M"), T.Berlin)
            .InBerlin().ShouldBe("2026-02-28T10:00:00+01");

    [Fact]
    public void Duration_LandingInTheSkippedHour_MovesForwardByTheGap() =>
        IsoDuration.AddTo(T.At("2026-03-28T02:30:00+01:00"), IsoDuration.Parse("P1D"), T.Berlin)
            .InBerlin().ShouldBe("2026-03-29T03:30:00+02");

    [Fact]
    public void Duration_MixedParts_AddsCalendarPartThenElapsedTime() =>
        // 2026-03-28 23:30 + P1D → 2026-03-29 23:30 (+02), then + PT1H → 2026-03-30 00:30
        IsoDuration.AddTo(T.At("2026-03-28T23:30:00+01:00"), IsoDuration.Parse("P1DT1H"), T.Berlin)
            .InBerlin().ShouldBe("2026-03-30T00:30:00+02");

    [Fact]
    public void TimerDuration_FirstDue_IsNowPlusDuration()
    {
        var timer = TimerSchedule.Parse(TimerKind.Duration, "PT1H30M", T.Berlin);
        timer.Kind.ShouldBe(TimerKind.Duration);
        timer.FirstDue(T.At("2026-05-04T08:00:00+02:00")).InBerlin().ShouldBe("2026-05-04T09:30:00+02");
        timer.NextDue(T.At("2026-05-04T09:30:00+02:00"), 1).ShouldBeNull();
        timer.Repetitions.ShouldBeNull();
    }
}
