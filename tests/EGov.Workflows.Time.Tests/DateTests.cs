namespace EGov.Workflows.Time.Tests;

public class DateTests
{
    private static readonly NodaTime.Instant Now = T.At("2026-05-04T08:00:00+02:00");

    [Theory]
    [InlineData("2026-06-01T10:00:00+02:00", "2026-06-01T10:00:00+02")]
    [InlineData("2026-06-01T08:00:00Z", "2026-06-01T10:00:00+02")]
    [InlineData("2026-06-01T10:00:00", "2026-06-01T10:00:00+02")]
    [InlineData("2026-01-15T10:00:00", "2026-01-15T10:00:00+01")]
    [InlineData("2026-06-01T10:00", "2026-06-01T10:00:00+02")]
    [InlineData("2026-06-01T10:00:00.250+02:00", "2026-06-01T10:00:00.25+02")]
    [InlineData("2026-06-01", "2026-06-01T00:00:00+02")]
    [InlineData("2026-06-01T08:00:00.000Z", "2026-06-01T10:00:00+02")]
    [InlineData("2026-06-01T10:00:00+0200", "2026-06-01T10:00:00+02")]
    [InlineData("2026-06-01T10:00:00+02", "2026-06-01T10:00:00+02")]
    [InlineData("2026-06-01t08:00:00z", "2026-06-01T10:00:00+02")]
    [InlineData("2026-03-29T02:30:00", "2026-03-29T03:30:00+02")] // skipped by DST: moved forward by the gap
    public void TimeDate_Formats_AreDueAtThatInstant(string text, string expected)
    {
        var timer = TimerSchedule.Parse(TimerKind.Date, text, T.Berlin);
        timer.FirstDue(Now).InBerlin().ShouldBe(expected);
        timer.NextDue(timer.FirstDue(Now)!.Value, 1).ShouldBeNull();
    }

    [Fact]
    public void TimeDate_InThePast_IsDueAtOnce() =>
        TimerSchedule.Parse(TimerKind.Date, "2020-01-01T00:00:00Z", T.Berlin).FirstDue(Now)
            .ShouldBe(T.At("2020-01-01T00:00:00Z"));

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2026-13-01")]
    [InlineData("01.06.2026")]
    [InlineData("P1D")]
    public void TimeDate_Invalid_SaysWhatWasExpected(string text) =>
        Should.Throw<TimerFormatException>(() => TimerSchedule.Parse(TimerKind.Date, text, T.Berlin))
            .Message.ShouldBe($"'{text}' is not an ISO 8601 date-time such as 2026-03-01T10:00:00+01:00, 2026-03-01T10:00:00Z, 2026-03-01T10:00:00 (local time in the zone) or a date such as 2026-03-01");

    [Fact]
    public void TimeDate_Empty_NamesTheAttribute() =>
        Should.Throw<TimerFormatException>(() => TimerSchedule.Parse(TimerKind.Date, "  ", T.Berlin))
            .Message.ShouldStartWith("timer timeDate is empty; expected an ISO 8601 date-time");
}
