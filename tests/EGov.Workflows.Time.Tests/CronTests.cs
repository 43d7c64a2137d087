using NodaTime;

namespace EGov.Workflows.Time.Tests;

public class CronTests
{
    private static Instant? Next(string cron, string after) =>
        CronExpression.Parse(cron).NextAfter(T.At(after), T.Berlin);

    [Theory]
    // Monday 2026-01-05
    [InlineData("0 0 8 * * ?", "2026-01-05T06:00:00+01:00", "2026-01-05T08:00:00+01")]
    [InlineData("0 0 8 * * ?", "2026-01-05T08:00:00+01:00", "2026-01-06T08:00:00+01")]
    [InlineData("0 0/5 * * * ?", "2026-01-05T06:01:00+01:00", "2026-01-05T06:05:00+01")]
    [InlineData("*/10 * * * * ?", "2026-01-05T06:00:05+01:00", "2026-01-05T06:00:10+01")]
    [InlineData("0 30 9 ? * MON-FRI", "2026-01-09T10:00:00+01:00", "2026-01-12T09:30:00+01")]
    [InlineData("0 30 9 ? * 2-6", "2026-01-09T10:00:00+01:00", "2026-01-12T09:30:00+01")]
    [InlineData("0 0 12 1,15 * ?", "2026-01-05T06:00:00+01:00", "2026-01-15T12:00:00+01")]
    [InlineData("0 0 12 L * ?", "2026-02-02T00:00:00+01:00", "2026-02-28T12:00:00+01")]
    [InlineData("0 0 12 L-2 * ?", "2026-02-02T00:00:00+01:00", "2026-02-26T12:00:00+01")]
    [InlineData("0 0 10 ? * 6L", "2026-01-05T06:00:00+01:00", "2026-01-30T10:00:00+01")]
    [InlineData("0 0 10 ? * FRI#2", "2026-01-05T06:00:00+01:00", "2026-01-09T10:00:00+01")]
    [InlineData("0 0 10 ? * 6#3", "2026-01-05T06:00:00+01:00", "2026-01-16T10:00:00+01")]
    [InlineData("0 0 0 1 JAN ? 2028", "2026-01-05T06:00:00+01:00", "2028-01-01T00:00:00+01")]
    [InlineData("0 15 10 ? * SUN", "2026-01-05T06:00:00+01:00", "2026-01-11T10:15:00+01")]
    public void Cron_NextAfter_FindsTheNextMatch(string cron, string after, string expected) =>
        Next(cron, after).InBerlin().ShouldBe(expected);

    [Fact]
    public void Cron_InSkippedHour_IsSkippedThatDay() =>
        Next("0 30 2 * * ?", "2026-03-29T00:00:00+01:00").InBerlin().ShouldBe("2026-03-30T02:30:00+02");

    [Fact]
    public void Cron_InRepeatedHour_FiresOnce()
    {
        var first = Next("0 30 2 * * ?", "2026-10-25T00:00:00+02:00");
        first.InBerlin().ShouldBe("2026-10-25T02:30:00+02");
        CronExpression.Parse("0 30 2 * * ?").NextAfter(first!.Value, T.Berlin).InBerlin().ShouldBe("2026-10-26T02:30:00+01");
    }

    [Fact]
    public void Cron_DailyAcrossSpringForward_KeepsWallClock() =>
        Next("0 0 9 * * ?", "2026-03-28T09:00:00+01:00").InBerlin().ShouldBe("2026-03-29T09:00:00+02");

    [Fact]
    public void Cron_YearInThePast_NeverFires() =>
        Next("0 0 0 1 1 ? 2020", "2026-01-05T06:00:00+01:00").ShouldBeNull();

    [Fact]
    public void Cron_AsTimerCycle_IsUnboundedAndUsesTheZone()
    {
        var timer = TimerSchedule.Parse(TimerKind.Cycle, "0 0 8 ? * MON-FRI", T.Berlin);
        timer.Repetitions.ShouldBeNull();
        timer.Cron.ShouldNotBeNull();
        var first = timer.FirstDue(T.At("2026-01-09T09:00:00+01:00"))!.Value; // Friday after 8
        first.InBerlin().ShouldBe("2026-01-12T08:00:00+01");
        timer.NextDue(first, 1).InBerlin().ShouldBe("2026-01-13T08:00:00+01");
    }

    [Fact]
    public void Cron_FirstDue_AtExactlyNow_IsDueNow() =>
        TimerSchedule.Parse(TimerKind.Cycle, "0 0 8 * * ?", T.Berlin).FirstDue(T.At("2026-01-05T08:00:00+01:00"))
            .InBerlin().ShouldBe("2026-01-05T08:00:00+01");

    [Theory]
    [InlineData("0 0 8 * *", "has 5 fields; expected 6 or 7")]
    [InlineData("0 0 25 * * ?", "hour '25': expected values 0-23")]
    [InlineData("0 61 8 * * ?", "minute '61': expected values 0-59")]
    [InlineData("0 0 8 * FOO ?", "month 'FOO': expected values 1-12 or JAN-DEC")]
    [InlineData("0 0 8 ? * MOO", "day-of-week 'MOO': expected values 1-7 or SUN-SAT")]
    [InlineData("0 0 8 1 * MON", "both restricted")]
    [InlineData("0 0 8 15W * ?", "'W' (nearest weekday) is not supported")]
    [InlineData("0 0/0 8 * * ?", "expected a positive step")]
    [InlineData("0 0 8 ? * 6#9", "after '#' expected 1 to 5")]
    [InlineData("0 30-10 8 * * ?", "runs backwards")]
    [InlineData("0 0 8 * * ? 1900", "year '1900': expected values 1970-2099")]
    public void Cron_Invalid_NamesTheField(string cron, string fragment) =>
        Should.Throw<TimerFormatException>(() => CronExpression.Parse(cron)).Message.ShouldContain(fragment);
}
