using EGov.Workflows.Host.Citizens.Consent;
using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Citizens;
using Npgsql;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The consent codes (migration 0037) in memory, on SQLite and — when EGOV_TEST_POSTGRES names one (scripts/postgres.sh
/// start) — PostgreSQL, each with the same rules: only the hash is kept, a case's new code voids its old one, a code is used
/// once and not after its end, another tenant's code is no code, and wrong attempts count per citizen within the window.
/// </summary>
public sealed class CitizenConsentStoreTests
{
    public static TheoryData<string> Providers()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (Postgres is not null) data.Add("postgres");
        return data;
    }

    private static string? Postgres => Environment.GetEnvironmentVariable("EGOV_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private sealed class Store : IDisposable
    {
        private readonly IdentityDatabase? _db;
        private readonly Action _drop = () => { };

        public Store(string provider)
        {
            if (provider == "memory") { Codes = new InMemoryConsentCodes(); return; }
            if (provider == "sqlite")
            {
                var dir = Path.Combine(Path.GetTempPath(), "egov-consent-store", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(dir);
                _db = IdentityDatabase.Open($"sqlite:{Path.Combine(dir, "egov.db")}");
                _drop = () => { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } };
            }
            else
            {
                var schema = "k_" + Guid.NewGuid().ToString("N")[..16];
                Exec($"CREATE SCHEMA \"{schema}\"");
                _db = IdentityDatabase.Open($"postgres:{new NpgsqlConnectionStringBuilder(Postgres) { SearchPath = schema }}");
                _drop = () => Exec($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            }
            Codes = new CitizenConsentStore(_db);
        }

        public IConsentCodes Codes { get; }

        public void Dispose()
        {
            _db?.Dispose();
            NpgsqlConnection.ClearAllPools();
            _drop();
        }

        private static void Exec(string sql)
        {
            using var c = new NpgsqlConnection(Postgres);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ACode_IsUsedOnce_NotAfterItsEnd_AndANewCodeOfTheCaseVoidsTheOld(string provider)
    {
        using var s = new Store(provider);
        var first = ConsentCodes.NewCode();
        var second = ConsentCodes.NewCode();
        await s.Codes.PutAsync("t1", ConsentCodes.Hash("t1", first), "i1", "G-1", ["kindergeld", "kita"], T0, T0.AddDays(28));
        var row = (await s.Codes.FindAsync("t1", ConsentCodes.Hash("t1", first.ToLowerInvariant().Replace('-', ' '))))!;
        (row.InstanceId, row.Aktenzeichen, row.UsedAt).ShouldBe(("i1", "G-1", (DateTimeOffset?)null));
        row.Purposes.ShouldBe(["kindergeld", "kita"]);
        row.ExpiresAt.ShouldBe(T0.AddDays(28));
        (await s.Codes.FindAsync("t2", ConsentCodes.Hash("t1", first))).ShouldBeNull("another tenant");
        (await s.Codes.FindAsync("t2", ConsentCodes.Hash("t2", first))).ShouldBeNull("the hash includes the tenant");

        await s.Codes.PutAsync("t1", ConsentCodes.Hash("t1", second), "i1", "G-1", ["kindergeld"], T0, T0.AddDays(28));
        (await s.Codes.FindAsync("t1", ConsentCodes.Hash("t1", first))).ShouldBeNull("the case's new code voids the old");
        (await s.Codes.UseAsync("t1", ConsentCodes.Hash("t1", first), T0.AddDays(1))).ShouldBeFalse();

        (await s.Codes.UseAsync("t1", ConsentCodes.Hash("t1", second), T0.AddDays(28))).ShouldBeFalse("not at or after its end");
        (await s.Codes.UseAsync("t1", ConsentCodes.Hash("t1", second), T0.AddDays(2))).ShouldBeTrue();
        (await s.Codes.UseAsync("t1", ConsentCodes.Hash("t1", second), T0.AddDays(2))).ShouldBeFalse("once");
        (await s.Codes.FindAsync("t1", ConsentCodes.Hash("t1", second)))!.UsedAt.ShouldBe(T0.AddDays(2));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WrongAttempts_CountPerCitizen_WithinTheWindow(string provider)
    {
        using var s = new Store(provider);
        var a = ConsentCodes.Who("buerger:a");
        for (var i = 0; i < 3; i++) await s.Codes.AddFailureAsync(a, T0.AddMinutes(i));
        await s.Codes.AddFailureAsync(ConsentCodes.Who("buerger:b"), T0);
        (await s.Codes.CountFailuresAsync(a, T0.AddMinutes(-15))).ShouldBe(3);
        (await s.Codes.CountFailuresAsync(a, T0.AddMinutes(1))).ShouldBe(2);
        (await s.Codes.CountFailuresAsync(ConsentCodes.Who("buerger:c"), T0.AddMinutes(-15))).ShouldBe(0);
        a.ShouldNotContain("buerger:a");
    }
}
