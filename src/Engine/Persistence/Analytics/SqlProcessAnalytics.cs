using System.Data;
using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence.Analytics;

/// <summary>
/// KVP analytics on the engine's database (Schema/*/0021_analytics.sql). The history tables are append-only and numbered
/// (seq); <see cref="CatchUp"/> folds the rows written since its last run into small aggregate tables — per process,
/// version and day: element durations and claim waits as histograms, flows taken, cancellations, incidents — and moves a
/// watermark, all in one transaction per batch, so two nodes never fold a row twice. A query then reads the aggregates of
/// the period's days (thousands of rows, not the million history rows of 100,000 instances) and the instances themselves
/// for the exact lead times. On PostgreSQL rows become visible in commit order, not seq order: the catch-up folds only up
/// to the highest seq written before it briefly took a SHARE lock on the table (no insert was in flight then).
/// </summary>
public sealed class SqlProcessAnalytics(DurableStoreOptions options, DateTimeZone zone, IClock? clock = null) : IProcessAnalytics
{
    private readonly IClock _clock = clock ?? SystemClock.Instance;

    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;
    private readonly Lock _catchUp = new();
    private readonly bool _pg = options.Provider == StoreProvider.Postgres;

    /// <summary>How many history rows one catch-up transaction folds at most.</summary>
    public int BatchRows { get; init; } = 20_000;

    public DateTimeZone Zone => zone;

    /// <summary>The day number (days since 1970-01-01) of an instant in the engine's zone.</summary>
    public int Day(Instant at) => at.InZone(zone).Date.ToDateOnly().DayNumber - EpochDayNumber;

    private int DayOfTicks(long ticks) => Day(Ticks.At(ticks));

    private static int DayOf(LocalDate date) => date.ToDateOnly().DayNumber - EpochDayNumber;

    public long CatchUp()
    {
        lock (_catchUp)
            return Fold("elements", "history_element_instances", FoldElements)
                 + Fold("tasks", "history_tasks", FoldTasks)
                 + Fold("incidents", "history_incidents", FoldIncidents);
    }

    // ---------- catch-up ----------

    private long Fold(string source, string table, Func<DbConnection, DbTransaction, long, long, int, (int Read, long LastSeq)> fold)
    {
        using var c = SqlitePragmas.Open(options);
        var bound = SafeBound(c, table);
        long read = 0;
        while (true)
        {
            using var tx = c.BeginTransaction(); // SQLite: BEGIN IMMEDIATE (one writer); PostgreSQL: the watermark row is locked below
            Exec(c, tx, "INSERT INTO analytics_watermarks (source, last_seq) VALUES (@p0, 0) ON CONFLICT (source) DO NOTHING", source);
            var from = Scalar(c, tx, "SELECT last_seq FROM analytics_watermarks WHERE source = @p0" + (_pg ? " FOR UPDATE" : ""), source);
            if (from >= bound)
            {
                tx.Commit();
                return read;
            }
            var (rows, last) = fold(c, tx, from, bound, BatchRows);
            var next = rows < BatchRows ? bound : last;
            Exec(c, tx, "UPDATE analytics_watermarks SET last_seq = @p0 WHERE source = @p1", next, source);
            tx.Commit();
            read += rows;
            if (next >= bound) return read;
        }
    }

    /// <summary>The highest seq of the table that no running transaction can still add a lower one below.</summary>
    private long SafeBound(DbConnection c, string table)
    {
        if (!_pg) return Scalar(c, null, $"SELECT COALESCE(MAX(seq), 0) FROM {table}");
        using var tx = c.BeginTransaction();
        // SHARE waits for the transactions that insert into the table now and lets none start meanwhile: every seq handed out
        // so far belongs to a committed (or rolled back) transaction. Held for one index lookup.
        Exec(c, tx, $"LOCK TABLE {table} IN SHARE MODE");
        var max = Scalar(c, tx, $"SELECT COALESCE(MAX(seq), 0) FROM {table}");
        tx.Commit();
        return max;
    }

    private (int, long) FoldElements(DbConnection c, DbTransaction tx, long from, long to, int limit)
    {
        var durations = new Dictionary<DurationKey, (long N, long Sum)>();
        var counts = new Dictionary<CountKey, long>();
        var rows = 0;
        long last = from;
        using (var q = Command(c, tx, """
            SELECT h.seq, h.tenant_id, h.process_id, i.definition_version, h.element_id, h.started_at, h.ended_at, h.completed, h.arrived_by, h.frist_due
            FROM history_element_instances h JOIN instances i ON i.tenant_id = h.tenant_id AND i.id = h.instance_id
            WHERE h.seq > @p0 AND h.seq <= @p1 ORDER BY h.seq LIMIT @p2
            """, from, to, limit))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                rows++;
                last = r.GetInt64(0);
                var (tenant, process, version, element) = (r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture), r.GetString(4));
                var started = r.GetInt64(5);
                var ended = r.GetInt64(6);
                var day = DayOfTicks(ended);
                var ms = Math.Max(0, (ended - started) / TimeSpan.TicksPerMillisecond);
                Add(durations, new DurationKey(tenant, process, version, day, "element", element, DurationHistogram.Bucket(ms)), ms);
                if (!Convert.ToBoolean(r.GetValue(7), CultureInfo.InvariantCulture)) Count(counts, new CountKey(tenant, process, version, day, "cancelled", element));
                if (!r.IsDBNull(8)) Count(counts, new CountKey(tenant, process, version, day, "flow", r.GetString(8)));
                // A Frist missed: the element's own Frist had passed when it completed.
                if (!r.IsDBNull(9) && ended >= r.GetInt64(9) && Convert.ToBoolean(r.GetValue(7), CultureInfo.InvariantCulture))
                    Count(counts, new CountKey(tenant, process, version, day, "frist", element));
            }
        WriteDurations(c, tx, durations);
        WriteCounts(c, tx, counts);
        return (rows, last);
    }

    private (int, long) FoldIncidents(DbConnection c, DbTransaction tx, long from, long to, int limit)
    {
        var counts = new Dictionary<CountKey, long>();
        var rows = 0;
        long last = from;
        using (var q = Command(c, tx, """
            SELECT h.seq, h.tenant_id, h.process_id, i.definition_version, h.element_id, h.event, h.occurred_at
            FROM history_incidents h JOIN instances i ON i.tenant_id = h.tenant_id AND i.id = h.instance_id
            WHERE h.seq > @p0 AND h.seq <= @p1 ORDER BY h.seq LIMIT @p2
            """, from, to, limit))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                rows++;
                last = r.GetInt64(0);
                if (r.GetString(5) != "Created") continue;
                Count(counts, new CountKey(r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
                    DayOfTicks(r.GetInt64(6)), "incident", r.GetString(4)));
            }
        WriteCounts(c, tx, counts);
        return (rows, last);
    }

    private sealed record OpenClaim(string Process, int Version, string Element, long CreatedAt);

    /// <summary>
    /// The wait before a user task was claimed: from its creation without an assignee to its first assignment. Tasks created
    /// with an assignee never waited; a task that ends unassigned leaves no figure.
    /// </summary>
    private (int, long) FoldTasks(DbConnection c, DbTransaction tx, long from, long to, int limit)
    {
        var durations = new Dictionary<DurationKey, (long N, long Sum)>();
        var open = new Dictionary<(string Tenant, string Task), OpenClaim>();
        var gone = new HashSet<(string, string)>();
        var rows = 0;
        long last = from;
        var events = new List<(string Tenant, string Process, int Version, string Task, string Element, string Event, bool HasUser, long At)>();
        using (var q = Command(c, tx, """
            SELECT h.seq, h.tenant_id, h.process_id, i.definition_version, h.task_id, h.element_id, h.event, h.user_id, h.occurred_at
            FROM history_tasks h JOIN instances i ON i.tenant_id = h.tenant_id AND i.id = h.instance_id
            WHERE h.seq > @p0 AND h.seq <= @p1 AND h.kind = 'User' ORDER BY h.seq LIMIT @p2
            """, from, to, limit))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                rows++;
                last = r.GetInt64(0);
                events.Add((r.GetString(1), r.GetString(2), Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture), r.GetString(4),
                    r.GetString(5), r.GetString(6), !r.IsDBNull(7), r.GetInt64(8)));
            }
        foreach (var e in events)
        {
            var key = (e.Tenant, e.Task);
            switch (e.Event)
            {
                case "Created" when !e.HasUser:
                    open[key] = new OpenClaim(e.Process, e.Version, e.Element, e.At);
                    break;
                case "Assigned":
                    var waiting = open.Remove(key, out var pending) ? pending : gone.Contains(key) ? null : Stored(c, tx, key);
                    if (waiting is not null)
                    {
                        gone.Add(key);
                        var ms = Math.Max(0, (e.At - waiting.CreatedAt) / TimeSpan.TicksPerMillisecond);
                        Add(durations, new DurationKey(e.Tenant, waiting.Process, waiting.Version, DayOfTicks(e.At), "claim", waiting.Element, DurationHistogram.Bucket(ms)), ms);
                    }
                    break;
                case "Completed" or "Cancelled":
                    if (!open.Remove(key)) gone.Add(key);
                    break;
            }
        }
        foreach (var (tenant, task) in gone)
            Exec(c, tx, "DELETE FROM analytics_open_claims WHERE tenant_id = @p0 AND task_id = @p1", tenant, task);
        foreach (var ((tenant, task), o) in open)
            Exec(c, tx, """
                INSERT INTO analytics_open_claims (tenant_id, task_id, process_id, version, element_id, created_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)
                ON CONFLICT (tenant_id, task_id) DO UPDATE SET created_at = excluded.created_at
                """, tenant, task, o.Process, o.Version, o.Element, o.CreatedAt);
        WriteDurations(c, tx, durations);
        return (rows, last);
    }

    private static OpenClaim? Stored(DbConnection c, DbTransaction tx, (string Tenant, string Task) key)
    {
        using var q = Command(c, tx, "SELECT process_id, version, element_id, created_at FROM analytics_open_claims WHERE tenant_id = @p0 AND task_id = @p1",
            key.Tenant, key.Task);
        using var r = q.ExecuteReader();
        return r.Read() ? new OpenClaim(r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), r.GetString(2), r.GetInt64(3)) : null;
    }

    private readonly record struct DurationKey(string Tenant, string Process, int Version, int Day, string Measure, string Element, int Bucket);

    private readonly record struct CountKey(string Tenant, string Process, int Version, int Day, string Kind, string Item);

    private static void Add(Dictionary<DurationKey, (long N, long Sum)> d, DurationKey k, long ms)
    {
        var (n, sum) = d.GetValueOrDefault(k);
        d[k] = (n + 1, sum + ms);
    }

    private static void Count(Dictionary<CountKey, long> d, CountKey k) => d[k] = d.GetValueOrDefault(k) + 1;

    private static void WriteDurations(DbConnection c, DbTransaction tx, Dictionary<DurationKey, (long N, long Sum)> durations)
    {
        if (durations.Count == 0) return;
        using var cmd = Command(c, tx, """
            INSERT INTO analytics_durations (tenant_id, process_id, version, day, measure, element_id, bucket, n, sum_ms)
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8)
            ON CONFLICT (tenant_id, process_id, version, day, measure, element_id, bucket)
            DO UPDATE SET n = analytics_durations.n + excluded.n, sum_ms = analytics_durations.sum_ms + excluded.sum_ms
            """, "", "", 0, 0, "", "", 0, 0L, 0L);
        foreach (var (k, (n, sum)) in durations)
        {
            Set(cmd, k.Tenant, k.Process, k.Version, k.Day, k.Measure, k.Element, k.Bucket, n, sum);
            cmd.ExecuteNonQuery();
        }
    }

    private static void WriteCounts(DbConnection c, DbTransaction tx, Dictionary<CountKey, long> counts)
    {
        if (counts.Count == 0) return;
        using var cmd = Command(c, tx, """
            INSERT INTO analytics_counts (tenant_id, process_id, version, day, kind, item, n) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)
            ON CONFLICT (tenant_id, process_id, version, day, kind, item) DO UPDATE SET n = analytics_counts.n + excluded.n
            """, "", "", 0, 0, "", "", 0L);
        foreach (var (k, n) in counts)
        {
            Set(cmd, k.Tenant, k.Process, k.Version, k.Day, k.Kind, k.Item, n);
            cmd.ExecuteNonQuery();
        }
    }

    // ---------- queries ----------

    public ProcessFigures Figures(AnalyticsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.To < query.From) throw new ArgumentException($"the period ends ({query.To:yyyy-MM-dd}) before it begins ({query.From:yyyy-MM-dd})", nameof(query));
        CatchUp();
        var fromTicks = Ticks.Of(query.From.AtStartOfDayInZone(zone).ToInstant());
        var toTicks = Ticks.Of(query.To.PlusDays(1).AtStartOfDayInZone(zone).ToInstant());
        var (fromDay, toDay) = (DayOf(query.From), DayOf(query.To));
        using var c = SqlitePragmas.Open(options);
        var version = query.Version is { } v ? " AND definition_version = @p4" : "";
        var aggregateVersion = query.Version is not null ? " AND version = @p4" : "";
        object[] args = query.Version is { } vv ? [query.TenantId, query.ProcessId, 0L, 0L, vv] : [query.TenantId, query.ProcessId, 0L, 0L];

        args[2] = fromTicks; args[3] = toTicks;
        var started = Scalar(c, null, $"SELECT COUNT(*) FROM instances WHERE tenant_id = @p0 AND process_id = @p1 AND started_at >= @p2 AND started_at < @p3{version}", args);

        long cancelled = 0, caseMissed = 0;
        var leadTimes = new List<long>();
        var byWeek = new Dictionary<LocalDate, List<long>>();
        using (var q = Command(c, null, $"SELECT status, started_at, ended_at, case_frist_due FROM instances WHERE tenant_id = @p0 AND process_id = @p1 AND ended_at >= @p2 AND ended_at < @p3{version}", args))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                if (r.GetString(0) != "Completed") { cancelled++; continue; }
                var ended = r.GetInt64(2);
                // The case's own Frist had passed when it completed (migration 0034: kept with the instance at its end).
                if (!r.IsDBNull(3) && ended >= Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)) caseMissed++;
                var ms = Math.Max(0, (ended - r.GetInt64(1)) / TimeSpan.TicksPerMillisecond);
                leadTimes.Add(ms);
                var week = WeekStart(Ticks.At(ended).InZone(zone).Date);
                if (!byWeek.TryGetValue(week, out var list)) byWeek[week] = list = [];
                list.Add(ms);
            }
        var weeks = new List<WeekFigures>();
        for (var w = WeekStart(query.From); w <= query.To; w = w.PlusWeeks(1))
            weeks.Add(new WeekFigures(w, byWeek.TryGetValue(w, out var l) ? DurationHistogram.Exact(l) : DurationStats.None));

        args[2] = fromDay; args[3] = toDay;
        var histograms = new Dictionary<(string Measure, string Element), List<(int, long, long)>>();
        using (var q = Command(c, null, $"""
            SELECT measure, element_id, bucket, SUM(n), SUM(sum_ms) FROM analytics_durations
            WHERE tenant_id = @p0 AND process_id = @p1 AND day >= @p2 AND day <= @p3{aggregateVersion}
            GROUP BY measure, element_id, bucket
            """, args))
        using (var r = q.ExecuteReader())
            while (r.Read())
            {
                var key = (r.GetString(0), r.GetString(1));
                if (!histograms.TryGetValue(key, out var list)) histograms[key] = list = [];
                list.Add((Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture),
                    Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture)));
            }
        var counts = new Dictionary<(string Kind, string Item), long>();
        using (var q = Command(c, null, $"""
            SELECT kind, item, SUM(n) FROM analytics_counts
            WHERE tenant_id = @p0 AND process_id = @p1 AND day >= @p2 AND day <= @p3{aggregateVersion}
            GROUP BY kind, item
            """, args))
        using (var r = q.ExecuteReader())
            while (r.Read()) counts[(r.GetString(0), r.GetString(1))] = Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture);

        var open = OpenPastFrist(c, query, fromTicks, toTicks);
        var (openReceive, caseOpenPast) = OpenCasesPastFrist(c, query, fromTicks, toTicks);
        foreach (var (element, n) in openReceive) open[element] = open.GetValueOrDefault(element) + n;
        var elementIds = histograms.Keys.Select(k => k.Element)
            .Concat(counts.Keys.Where(k => k.Kind is "cancelled" or "incident" or "frist").Select(k => k.Item)).Concat(open.Keys)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var elements = elementIds.Select(id =>
        {
            var duration = histograms.TryGetValue(("element", id), out var d) ? DurationHistogram.Of(d) : DurationStats.None;
            var claim = histograms.TryGetValue(("claim", id), out var w) ? DurationHistogram.Of(w) : DurationStats.None;
            return new ElementFigures(id, duration.Count, counts.GetValueOrDefault(("cancelled", id)), duration, claim, counts.GetValueOrDefault(("incident", id)))
            {
                FristenMissed = counts.GetValueOrDefault(("frist", id)),
                FristenOpenPast = open.GetValueOrDefault(id),
            };
        }).ToList();
        var flows = counts.Where(kv => kv.Key.Kind == "flow").ToDictionary(kv => kv.Key.Item, kv => kv.Value, StringComparer.Ordinal);
        return new ProcessFigures(started, leadTimes.Count, cancelled, DurationHistogram.Exact(leadTimes), weeks, elements, flows)
        {
            CaseFristenMissed = caseMissed,
            CaseFristenOpenPast = caseOpenPast,
        };
    }

    /// <summary>
    /// From the running instances' documents (few, unlike the ended ones): the case's own Frist (egov:frist on the process,
    /// or the service's Bearbeitungsfrist) that passed within the period and before now, and per element the Fristen of
    /// waiting tokens that are not a user task's (counted from the tasks) nor a Frist timer's (those fire): the receive tasks'.
    /// A suspended Frist (Hemmung) has not passed.
    /// </summary>
    private (Dictionary<string, long> Elements, long Cases) OpenCasesPastFrist(DbConnection c, AnalyticsQuery query, long fromTicks, long toTicks)
    {
        var now = _clock.GetCurrentInstant();
        var sql = "SELECT document FROM instances WHERE tenant_id = @p0 AND process_id = @p1 AND ended_at IS NULL"
                  + (query.Version is not null ? " AND definition_version = @p2" : "");
        using var q = query.Version is { } v ? Command(c, null, sql, query.TenantId, query.ProcessId, v) : Command(c, null, sql, query.TenantId, query.ProcessId);
        using var r = q.ExecuteReader();
        var elements = new Dictionary<string, long>(StringComparer.Ordinal);
        long cases = 0;
        while (r.Read())
        {
            var text = r.GetString(0);
            if (!text.Contains("\"fristen\":[{", StringComparison.Ordinal)) continue; // no Frist runs: not parsed
            if (System.Text.Json.Nodes.JsonNode.Parse(text) is not System.Text.Json.Nodes.JsonObject doc || doc["fristen"] is not System.Text.Json.Nodes.JsonArray fristen) continue;
            var ofTasks = (doc["userTasks"] as System.Text.Json.Nodes.JsonArray ?? new System.Text.Json.Nodes.JsonArray()).Select(t => (string?)t?["fristId"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var f in fristen)
            {
                if (f is null || (string?)f["gehemmtSeit"] is not null || (string?)f["ende"] is not { Length: > 0 } ende || (string?)f["elementId"] is not { } element) continue;
                if (NodaTime.Text.LocalDatePattern.Iso.Parse(ende) is not { Success: true } day) continue;
                var passed = Time.FristCalculator.Ablauf(day.Value, zone);
                var at = Ticks.Of(passed);
                if (passed > now || at < fromTicks || at >= toTicks) continue;
                var token = (string?)f["tokenId"];
                if (token is null && element == query.ProcessId) cases++;
                else if (token is not null && (string?)f["jobId"] is null && !ofTasks.Contains((string?)f["id"] ?? "")) elements[element] = elements.GetValueOrDefault(element) + 1;
            }
        }
        return (elements, cases);
    }

    /// <summary>
    /// Open user tasks whose Frist (their due date from a Frist) passed within the period and before now, per element: read
    /// from the open tasks themselves (few, unlike the history), each task's document naming its due date and Frist.
    /// </summary>
    private Dictionary<string, long> OpenPastFrist(DbConnection c, AnalyticsQuery query, long fromTicks, long toTicks)
    {
        var now = _clock.GetCurrentInstant();
        var sql = "SELECT u.payload FROM user_tasks u JOIN instances i ON i.tenant_id = u.tenant_id AND i.id = u.instance_id WHERE u.tenant_id = @p0 AND u.process_id = @p1"
                  + (query.Version is not null ? " AND i.definition_version = @p2" : "");
        using var q = query.Version is { } v ? Command(c, null, sql, query.TenantId, query.ProcessId, v) : Command(c, null, sql, query.TenantId, query.ProcessId);
        using var r = q.ExecuteReader();
        var open = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            var task = System.Text.Json.Nodes.JsonNode.Parse(r.GetString(0));
            if (task?["fristId"] is null || task["dueDate"]?.GetValue<string>() is not { } text || task["elementId"]?.GetValue<string>() is not { } element) continue;
            if (NodaTime.Text.InstantPattern.ExtendedIso.Parse(text) is not { Success: true } parsed) continue;
            var passed = parsed.Value + Duration.FromSeconds(1); // the due date is the Frist's last second; it has passed one second later
            var at = Ticks.Of(passed);
            if (passed <= now && at >= fromTicks && at < toTicks) open[element] = open.GetValueOrDefault(element) + 1;
        }
        return open;
    }

    /// <summary>The Monday of the ISO week of a day.</summary>
    public static LocalDate WeekStart(LocalDate day) => day.PlusDays(-((int)day.DayOfWeek - 1));

    // ---------- plumbing ----------

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params object?[] values)
    {
        var cmd = PositionalCommand.Create(c, sql, DbType.String, values);
        cmd.Transaction = tx;
        return cmd;
    }

    private static void Set(DbCommand cmd, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
    }

    private static void Exec(DbConnection c, DbTransaction? tx, string sql, params object?[] values)
    {
        using var cmd = Command(c, tx, sql, values);
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(DbConnection c, DbTransaction? tx, string sql, params object?[] values)
    {
        using var cmd = Command(c, tx, sql, values);
        return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
    }
}
