using System.Data.Common;
using System.Diagnostics;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Analytics;
using NodaTime;

namespace EGov.Workflows.Bench;

/// <summary>
/// W7 "KVP analytics" (issue 11 item 6): N ended instances of one process over 52 weeks in the history of a durable store
/// — start, a user task claimed after a wait and worked for hours to days, an exclusive gateway (80 % approve, 20 %
/// reject), a service or user task, the end; 1 % with an incident — written straight into the tables (the engine would
/// take an hour for the commands), then the analytics catch-up folds them in (timed), then the figures of the whole
/// year for the version are asked again and again (the work of GET /api/analytics/{processId} without HTTP and JSON):
/// p50 and p99 of a query. Goal: under 1 s at 100,000 instances on SQLite and PostgreSQL.
/// </summary>
public static class AnalyticsRun
{
    private const string Tenant = "default", Process = "W7";
    private static readonly Instant End = Instant.FromUtc(2026, 11, 30, 0, 0);

    public static BenchResult Run(RunSpec spec, int samples)
    {
        using var store = BenchStore.Create(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres);
        var options = ((EfRuntimeStore)store.Store).Options;
        var seedClock = Stopwatch.StartNew();
        var rows = Seed(options, spec.N);
        var seeded = seedClock.Elapsed.TotalSeconds;
        var analytics = new SqlProcessAnalytics(options, DateTimeZoneProviders.Tzdb["Europe/Berlin"]);
        var foldClock = Stopwatch.StartNew();
        var folded = analytics.CatchUp();
        var fold = foldClock.Elapsed.TotalSeconds;
        var zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var query = new AnalyticsQuery(Tenant, Process, 1, End.InZone(zone).Date.PlusDays(-364), End.InZone(zone).Date);
        var first = analytics.Figures(query);
        if (first.Completed + first.Cancelled != spec.N)
            throw new InvalidOperationException($"W7: the figures count {first.Completed + first.Cancelled} ended instances, expected {spec.N}");
        for (var i = 0; i < 2; i++) analytics.Figures(query); // warm-up
        var lat = new List<double>(samples);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            var t = Stopwatch.GetTimestamp();
            analytics.Figures(query);
            lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        lat.Sort();
        return new BenchResult
        {
            Workload = "W7", Store = spec.Store, Engine = "egov", Mode = "query", Instances = spec.N, InFlight = 1,
            InstancesPerSecond = samples / seconds, P50Ms = lat[(int)(lat.Count * 0.50)], P99Ms = lat[Math.Min(lat.Count - 1, (int)(lat.Count * 0.99))],
            ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
            Note = $"{spec.N:N0} ended instances over 52 weeks, {rows:N0} history rows (written in {seeded:0} s, folded into the aggregates in {fold:0.0} s, {folded:N0} rows); "
                   + $"{samples} queries of a year's figures (median {Ms(first.LeadTime.MedianMs)} lead time, {first.Elements.Count} elements), in-process; queries/s in the inst/s column",
        };
    }

    private static string Ms(long? ms) => ms is { } v ? $"{v / 3_600_000.0:0.0} h" : "-";

    /// <summary>Writes the instances and their history in one transaction; returns the number of history rows.</summary>
    private static long Seed(DurableStoreOptions options, int n)
    {
        var random = new Random(7);
        using var c = Open(options);
        using var tx = c.BeginTransaction();
        var instance = Insert(c, tx, "INSERT INTO instances (tenant_id, id, root_instance_id, process_id, definition_version, status, started_at, ended_at, revision, document) VALUES (@p0,@p1,@p1,@p2,1,@p3,@p4,@p5,1,'{}')", 6);
        var element = Insert(c, tx, "INSERT INTO history_element_instances (tenant_id, id, instance_id, root_instance_id, process_id, element_id, element_type, element_name, started_at, ended_at, completed, sequence, arrived_by) VALUES (@p0,@p1,@p2,@p2,@p3,@p4,@p5,NULL,@p6,@p7,@p8,@p9,@p10)", 11);
        var task = Insert(c, tx, "INSERT INTO history_tasks (tenant_id, id, instance_id, root_instance_id, process_id, task_id, kind, element_id, event, user_id, occurred_at, command) VALUES (@p0,@p1,@p2,@p2,@p3,@p4,'User',@p5,@p6,@p7,@p8,'bench')", 9);
        var incident = Insert(c, tx, "INSERT INTO history_incidents (tenant_id, id, instance_id, root_instance_id, process_id, incident_id, incident_kind, element_id, event, message, occurred_at, command) VALUES (@p0,@p1,@p2,@p2,@p3,@p4,'FailedJob',@p5,'Created','bench',@p6,'bench')", 7);
        var pg = options.Provider == StoreProvider.Postgres;
        long rows = 0;
        var year = Duration.FromDays(364).BclCompatibleTicks;
        var endTicks = End.ToUnixTimeTicks();
        for (var i = 0; i < n; i++)
        {
            var id = $"w7-{i:D7}";
            // Hours to days, log-normally spread, in 100-ns ticks.
            long Spread(double medianHours, double sigma) => (long)(medianHours * 36_000_000_000L * Math.Exp(sigma * Normal(random)));
            var claimWait = Spread(3, 1.0);
            var work = Spread(5, 0.8);
            var approve = random.NextDouble() < 0.8;
            var second = approve ? Spread(0.001, 0.5) : Spread(20, 0.6);
            var lead = claimWait + work + second;
            var started = endTicks - year + (long)(random.NextDouble() * (year - lead));
            var ended = started + lead;
            var seq = 0;
            void Row(string elementId, string type, long from, long to, string? via)
            {
                Exec(element, Tenant, $"{id}.h{++seq}", id, Process, elementId, type, from, to, pg ? true : 1, (long)seq, via);
                rows++;
            }
            Exec(instance, Tenant, id, Process, "Completed", started, ended);
            Row("Start", "startEvent", started, started, null);
            var pruefenEnd = started + claimWait + work;
            Row("Pruefen", "userTask", started, pruefenEnd, "f1");
            Exec(task, Tenant, $"{id}.ht1", id, Process, $"{id}.t1", "Pruefen", "Created", null, started);
            Exec(task, Tenant, $"{id}.ht2", id, Process, $"{id}.t1", "Pruefen", "Assigned", "clerk", started + claimWait);
            Exec(task, Tenant, $"{id}.ht3", id, Process, $"{id}.t1", "Pruefen", "Completed", "clerk", pruefenEnd);
            rows += 3;
            Row("GW", "exclusiveGateway", pruefenEnd, pruefenEnd, "f2");
            if (approve) Row("Bescheid", "serviceTask", pruefenEnd, ended, "f_ja");
            else Row("Ablehnen", "userTask", pruefenEnd, ended, "f_nein");
            if (i % 100 == 0)
            {
                Exec(incident, Tenant, $"{id}.hi1", id, Process, $"{id}.i1", "Bescheid", pruefenEnd);
                rows++;
            }
            Row("Ende", "endEvent", ended, ended, approve ? "f3" : "f4");
        }
        tx.Commit();
        return rows;
    }

    internal static DbConnection Open(DurableStoreOptions options)
    {
        DbConnection c = options.Provider == StoreProvider.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection(options.ConnectionString)
            : new Npgsql.NpgsqlConnection(options.ConnectionString);
        c.Open();
        if (c is Microsoft.Data.Sqlite.SqliteConnection)
        {
            using var p = c.CreateCommand();
            p.CommandText = "PRAGMA busy_timeout=30000;";
            p.ExecuteNonQuery();
        }
        return c;
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    internal static DbCommand Insert(DbConnection c, DbTransaction tx, string sql, int parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    internal static void Exec(DbCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var p = cmd.Parameters[i];
            p.Value = values[i] ?? DBNull.Value;
            if (values[i] is null) p.DbType = System.Data.DbType.String;
        }
        cmd.ExecuteNonQuery();
    }
}
