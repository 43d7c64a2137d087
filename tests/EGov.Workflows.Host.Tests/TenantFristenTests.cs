using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Time;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace EGov.Workflows.Host.Tests;

/// <summary>Each tenant's Land (Fristen:Land, Tenants:{id}:Fristen:Land) and local holidays decide how its Fristen end.</summary>
public sealed class TenantFristenTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void NoSetting_IsHessen() =>
        TenantFristen.For(Config(), "06412000").Land.ShouldBe(Bundesland.HE);

    [Fact]
    public void TenantLand_OverridesTheDefault_AndLocalHolidaysCount()
    {
        var config = Config(("Fristen:Land", "HE"), ("Tenants:09761000:Fristen:Land", "Bayern"), ("Tenants:09761000:Fristen:Feiertage:0", "Augsburger Hohes Friedensfest"));
        TenantFristen.For(config, "06412000").Land.ShouldBe(Bundesland.HE);
        var augsburg = TenantFristen.For(config, "09761000");
        augsburg.Land.ShouldBe(Bundesland.BY);
        augsburg.Fristende(new LocalDate(2025, 7, 8), Period.FromMonths(1)).ShouldBe(new LocalDate(2025, 8, 11)); // 8 Aug Friedensfest → Monday
    }

    [Fact]
    public void WrongSettings_AreReportedWithTheirKey() =>
        TenantFristen.Check(Config(("Fristen:Land", "Hesse"), ("Tenants:x:Fristen:Feiertage:0", "32-13 Quatsch")), "default").ShouldBe(
        [
            "Fristen:Land: 'Hesse' is not a Land; expected one of BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH (or the Land's German name)",
        ]);
}
