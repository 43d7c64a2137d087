using NodaTime;

namespace EGov.Workflows.Time.Tests;

public class CycleTests
{
    private static readonly Instant Now = T.At("2026-01-05T06:00:00+01:00");

    private static TimerSchedule Cycle(string text) => TimerSchedule.Parse(TimerKind.Cycle, text, T.Berlin);

    /// <summary>Fires the cycle from <see cref="Now"/> until it ends or <paramref name="max"/> firings.</summary>
    private static List<string> Firings(TimerSchedule timer, int max = 10)
    {
        var result = new List<string>();
        var due = timer.FirstDue(Now);
        while (due is { } d && result.Count < max)
        {
            result.Add(d.InBerlin());
            due = timer.NextDue(d, result.Count);
        }
        return result;
    }

    [Fact]
    public void Cycle_Unbounded_RepeatsFromNow()
    {
        var timer = Cycle("R/PT1H");
        timer.Repetitions.ShouldBeNull();
        Firings(timer, 3).ShouldBe(["2026-01-05T07:00:00+01", "2026-01-05T08:00:00+01", "2026-01-05T09:00:00+01"]);
    }

    [Fact]
    public void Cycle_WithRepetitions_StopsAfterThatMany()
    {
        var timer = Cycle("R3/PT10M");
        timer.Repetitions.ShouldBe(3);
        Firings(timer).ShouldBe(["2026-01-05T06:10:00+01", "2026-01-05T06:20:00+01", "2026-01-05T06:30:00+01"]);
    }

    [Fact]
    public void Cycle_WithFutureStart_FirstFiresAtTheStart() =>
        Firings(Cycle("R/2026-01-05T08:00:00+01:00/P1D"), 3)
            .ShouldBe(["2026-01-05T08:00:00+01", "2026-01-06T08:00:00+01", "2026-01-07T08:00:00+01"]);

    [Fact]
    public void Cycle_WithPastStart_FirstFiresAtTheNextOccurrenceAfterNow() =>
        Firings(Cycle("R/2025-12-01T08:00:00+01:00/P1D"), 2)
            .ShouldBe(["2026-01-05T08:00:00+01", "2026-01-06T08:00:00+01"]);

    [Fact]
    public void Cycle_WithStartAndRepetitions_CountsFromTheStart() =>
        // R3 from 2026-01-03: the 3rd occurrence was 2026-01-05 08:00 — still ahead of now (06:00).
        Firings(Cycle("R3/2026-01-03T08:00:00+01:00/P1D")).ShouldBe(["2026-01-05T08:00:00+01"]);

    [Fact]
    public void Cycle_WithStart_AllRepetitionsInThePast_NeverFires() =>
        Cycle("R2/2025-01-01T08:00:00+01:00/P1D").FirstDue(Now).ShouldBeNull();

    [Fact]
    public void Cycle_WithEnd_StopsAtTheEnd() =>
        Firings(Cycle("R/PT1H/2026-01-05T08:30:00+01:00"))
            .ShouldBe(["2026-01-05T07:00:00+01", "2026-01-05T08:00:00+01"]);

    [Fact]
    public void Cycle_WithRepetitionsAndEnd_StopsAtWhicheverComesFirst()
    {
        Firings(Cycle("R3/PT1H/2026-02-01T00:00:00Z")).Count.ShouldBe(3);
        Firings(Cycle("R3/PT1H/2026-01-05T07:30:00+01:00")).ShouldBe(["2026-01-05T07:00:00+01"]);
    }

    [Fact]
    public void Cycle_StartAndEnd_UsesTheIntervalBetweenThem() =>
        Firings(Cycle("R2/2026-01-06T00:00:00Z/2026-01-07T00:00:00Z"))
            .ShouldBe(["2026-01-06T01:00:00+01", "2026-01-07T01:00:00+01"]);

    [Fact]
    public void Cycle_DailyAcrossSpringForward_KeepsWallClock()
    {
        var timer = Cycle("R/2026-03-27T09:00:00+01:00/P1D");
        var due = timer.FirstDue(T.At("2026-03-27T00:00:00+01:00"))!.Value;
        var list = new List<string> { due.InBerlin() };
        for (var i = 1; i < 4; i++)
        {
            due = timer.NextDue(due, i)!.Value;
            list.Add(due.InBerlin());
        }
        list.ShouldBe(["2026-03-27T09:00:00+01", "2026-03-28T09:00:00+01", "2026-03-29T09:00:00+02", "2026-03-30T09:00:00+02"]);
    }

    [Fact]
    public void Cycle_DailyAcrossFallBack_KeepsWallClock()
    {
        var timer = Cycle("R/2026-10-24T09:00:00+02:00/P1D");
        var first = timer.FirstDue(T.At("2026-10-24T00:00:00+02:00"))!.Value;
        timer.NextDue(first, 1).InBerlin().ShouldBe("2026-10-25T09:00:00+01");
    }

    [Fact]
    public void Cycle_HourlyAcrossFallBack_FiresEveryElapsedHour()
    {
        var timer = Cycle("R/PT1H");
        var due = T.At("2026-10-25T01:30:00+02:00");
        var list = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            due = timer.NextDue(due, i)!.Value;
            list.Add(due.InBerlin());
        }
        list.ShouldBe(["2026-10-25T02:30:00+02", "2026-10-25T02:30:00+01", "2026-10-25T03:30:00+01"]);
    }

    [Fact]
    public void Cycle_MonthlyFromJanuary31_FollowsTheStartNotThePreviousMonth() =>
        Firings(Cycle("R4/2026-01-31T10:00:00+01:00/P1M"))
            .ShouldBe(["2026-01-31T10:00:00+01", "2026-02-28T10:00:00+01", "2026-03-31T10:00:00+02", "2026-04-30T10:00:00+02"]);

    [Fact]
    public void Cycle_StartLongAgo_FindsTheNextOccurrenceQuickly() =>
        Cycle("R/2000-01-01T00:00:01Z/PT1S").FirstDue(Now).ShouldBe(Now);

    [Fact]
    public void Cycle_DateOrDuration_HasNoNextDue() =>
        TimerSchedule.Parse(TimerKind.Date, "2026-06-01", T.Berlin).NextDue(Now, 1).ShouldBeNull();

    [Theory]
    [InlineData("R/", "expected an ISO 8601 duration")]
    [InlineData("R", "is not an ISO 8601 repeating interval")]
    [InlineData("Rx/PT1H", "expected R or R followed by a number of repetitions")]
    [InlineData("R0/PT1H", "R0 would never fire")]
    [InlineData("R/PT0S", "must be longer than zero")]
    [InlineData("R/-PT1H", "negative")]
    [InlineData("R/PT1H/P1D", "the end 'P1D' is not an ISO 8601 date-time")]
    [InlineData("R/2026-01-01T00:00:00Z/2025-01-01T00:00:00Z", "is not after the start")]
    [InlineData("R/yesterday/P1D", "the start 'yesterday' is not an ISO 8601 date-time")]
    [InlineData("R/PT1H/a/b", "two or three parts")]
    [InlineData("every hour", "is not an ISO 8601 repeating interval")]
    [InlineData("R2/PT1690953981H", "longer than the longest duration a timer can wait (250 years)")] // found by the fuzzer: overflowed
    [InlineData("R/P2147483647Y", "longer than the longest duration a timer can wait")]
    [InlineData("R/0001-01-01T00:00:00Z/9999-01-01T00:00:00Z", "longer than the longest duration a timer can wait")]
    public void Cycle_Invalid_SaysWhatWasExpected(string text, string fragment) =>
        Should.Throw<TimerFormatException>(() => Cycle(text)).Message.ShouldContain(fragment);
}
