using NodaTime;

namespace EGov.Workflows.Time.Tests;

/// <summary>
/// Timer definitions an outside probe used to stop the job executor: due dates are computed in closed form with
/// checked arithmetic, cycles below the minimum interval and crons that never fire are refused, and a cycle that
/// missed occurrences fires once and resumes its rhythm.
/// </summary>
public class TimerLimitTests
{
    private static readonly Instant Now = T.At("2026-01-05T06:00:00+01:00");

    private static TimerSchedule Cycle(string text) => TimerSchedule.Parse(TimerKind.Cycle, text, T.Berlin);

    [Theory]
    [InlineData("R/1970-01-01T00:00:00Z/PT0.001S")]
    [InlineData("R/PT0.001S")]
    [InlineData("R5/PT0.5S")]
    [InlineData("R/2026-01-01T00:00:00Z/2026-01-01T00:00:00.100Z")]
    public void Cycle_ShorterThanTheMinimumInterval_IsRefused(string text) =>
        Should.Throw<TimerFormatException>(() => Cycle(text)).Message.ShouldContain("shorter than the minimum of 1 s");

    [Fact]
    public void Cycle_MinimumInterval_IsConfigurable()
    {
        var limits = new TimerLimits(Duration.FromMinutes(5));
        Should.Throw<TimerFormatException>(() => TimerSchedule.Parse(TimerKind.Cycle, "R/PT1M", T.Berlin, limits))
            .Message.ShouldContain("PT1M");
        TimerSchedule.Parse(TimerKind.Cycle, "R/PT5M", T.Berlin, limits).Repetitions.ShouldBeNull();
        TimerSchedule.Parse(TimerKind.Cycle, "R/PT0.2S", T.Berlin, new TimerLimits(Duration.FromMilliseconds(100))).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("0 0 0 30 2 ?")]
    [InlineData("0 0 0 31 4 ?")]
    [InlineData("0 0 12 29 2 ? 2097")] // 2097 is no leap year
    public void Cron_ThatNeverFires_IsRefused(string cron) =>
        Should.Throw<TimerFormatException>(() => Cycle(cron)).Message.ShouldContain("never");

    [Fact]
    public void Cron_FiringMoreOftenThanTheMinimum_IsRefused() =>
        Should.Throw<TimerFormatException>(() => TimerSchedule.Parse(TimerKind.Cycle, "0 * * * * ?", T.Berlin, new TimerLimits(Duration.FromMinutes(5))))
            .Message.ShouldContain("fires every 60 s");

    [Fact]
    public void Cron_OnLeapDay_IsAccepted() => Cycle("0 0 8 29 2 ?").FirstDue(Now).ShouldBe(T.At("2028-02-29T08:00:00+01:00"));

    [Fact]
    public void Cycle_AnchoredFiftyYearsAgo_FindsTheNextOccurrenceInClosedForm() =>
        // 1.6 billion one-second occurrences lie between the start and now; the old search counted them one by one.
        Cycle("R/1976-01-01T00:00:00Z/PT1S").FirstDue(Now).ShouldBe(Now + Duration.FromSeconds(0));

    [Fact]
    public void Cycle_AnchoredLongAgo_WithMonths_LandsOnTheCalendar() =>
        Cycle("R/1900-01-31T08:00:00+01:00/P1M").FirstDue(Now).ShouldBe(T.At("2026-01-31T08:00:00+01:00"));

    [Fact]
    public void Cycle_BoundaryStartingTwoToTheThirtyOneSecondsAgo_HasItsNextOccurrenceAfterNow()
    {
        var start = Now - Duration.FromSeconds(1L << 31);
        var timer = Cycle($"R/{start}/PT1S");
        var first = timer.FirstDue(Now);
        first.ShouldBe(Now);
        timer.NextDue(first!.Value, 1).ShouldBe(Now + Duration.FromSeconds(1));
    }

    [Fact]
    public void Cycle_WhoseNextOccurrenceLiesBeyondTheCalendar_IsATimerError() =>
        Should.Throw<TimerFormatException>(() => Cycle("R/9999-12-31T00:00:00Z/P1Y").NextDue(T.At("9999-12-31T00:00:00Z"), 1))
            .Message.ShouldContain("cannot be computed");

    [Fact]
    public void Cycle_ThatMissedOccurrences_FiresOnceAndResumesItsRhythm()
    {
        // Due at 07:00 hourly; the engine was down until 11:30: the next is 12:00, not 08:00, 09:00, … in a burst.
        var timer = Cycle("R/PT1H");
        var due = T.At("2026-01-05T07:00:00+01:00");
        timer.NextDue(due, 1, T.At("2026-01-05T11:30:00+01:00")).ShouldBe(T.At("2026-01-05T12:00:00+01:00"));
    }

    [Fact]
    public void Cycle_WithStart_ThatMissedOccurrences_ResumesOnItsGrid()
    {
        var timer = Cycle("R/2026-01-01T08:00:00+01:00/P1D");
        timer.NextDue(T.At("2026-01-02T08:00:00+01:00"), 1, T.At("2026-01-05T09:00:00+01:00"))
            .ShouldBe(T.At("2026-01-06T08:00:00+01:00"));
    }

    [Fact]
    public void Cycle_WithRepetitions_CountsMissedOccurrencesOfItsGrid() =>
        // R3 from 1 January: the occurrences are 1, 2 and 3 January; fired late on the 5th, nothing is left.
        Cycle("R3/2026-01-01T08:00:00+01:00/P1D").NextDue(T.At("2026-01-01T08:00:00+01:00"), 1, T.At("2026-01-05T09:00:00+01:00")).ShouldBeNull();

    [Fact]
    public void Cron_ThatMissedFirings_ResumesAfterNow() =>
        Cycle("0 0 8 ? * MON-FRI").NextDue(T.At("2026-01-05T08:00:00+01:00"), 1, T.At("2026-01-07T09:00:00+01:00"))
            .ShouldBe(T.At("2026-01-08T08:00:00+01:00"));
}
