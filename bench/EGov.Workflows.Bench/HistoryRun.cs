using System.Collections.Concurrent;
using System.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Persistence.Retention;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Bench;

/// <summary>
/// W9 "history at scale" (issue 15 item 1): N history rows of ended instances of a process whose version keeps its
/// history 365 days (<c>camunda:historyTimeToLive</c>), the instances ended evenly over the last 365 + <see cref="BacklogDays"/>
/// days, so <see cref="BacklogDays"/> days of cases have expired — written straight into the tables (20 history rows per
/// case: element instances, variable changes, task events; the engine would need hours of commands for 10 million).
/// Then W3 (start + complete, through the engine, 64 at once) runs alone for the measuring time, and again while the
/// retention job (<see cref="HistoryCleanupService.RunOnce"/>, batches of 500 cases, one transaction per case) deletes the
/// expired cases: the W3 rate lost, the cases deleted per second (so: how long one day's expiries take), and the longest
/// statement and transaction of the job (EF Core's diagnostic events, on the job's thread only).
/// </summary>
public static class HistoryRun
{
    public const int BacklogDays = 10, RetentionDays = 365, RowsPerCase = 20;
    private const string Tenant = "default", Process = "W9";

    public const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="W9" targetNamespace="bench">
          <process id="W9" name="Beendete Vorgänge" isExecutable="true" camunda:historyTimeToLive="365">
            <startEvent id="Start" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Pruefen" />
            <userTask id="Pruefen" name="Prüfen" />
            <sequenceFlow id="f2" sourceRef="Pruefen" targetRef="Ende" />
            <endEvent id="Ende" />
          </process>
        </definitions>
        """;

    public static BenchResult Run(RunSpec spec)
    {
        ThreadPool.SetMinThreads(EgovRuns.DurableExecutors + 8, EgovRuns.DurableExecutors + 8);
        using var store = BenchStore.Create(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres);
        var ef = (EfRuntimeStore)store.Store;
        var now = SystemClock.Instance.GetCurrentInstant();
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Store = ef, Clock = SystemClock.Instance, TenantId = Tenant });
        new DurableDeployments(ef).Deploy(engine, "w9.bpmn", new BpmnReader().ReadString(Model, "w9.bpmn").Definitions!);
        engine.Deploy("W3.bpmn", new BpmnReader().ReadString(Models.W3(), "W3.bpmn").Definitions!);

        var cases = Math.Max(RowsPerCase, spec.N / RowsPerCase);
        var seedClock = Stopwatch.StartNew();
        var expired = Seed(ef.Options, cases, now);
        var seeded = seedClock.Elapsed.TotalSeconds;
        var size = store.Figures()!;

        Action<int> w3 = _ =>
        {
            var id = engine.StartProcess("W3");
            var task = engine.OpenUserTasks(id) is [var t, ..] ? t : throw new InvalidOperationException($"W3 instance {id} has no open user task");
            engine.CompleteUserTask(task.Id);
        };
        Driver.ForSeconds(Math.Min(2, spec.MeasureSeconds), EgovRuns.DurableExecutors, w3); // warm-up
        var alone = Driver.ForSeconds(spec.MeasureSeconds, EgovRuns.DurableExecutors, w3);

        // The retention job on its own thread, W3 beside it until the job is done (or the measuring time is over).
        using var statements = new StatementTimes();
        var cleanup = new HistoryCleanupService(ef, SystemClock.Instance) { BatchSize = 500 };
        using var stop = new CancellationTokenSource();
        var deleted = 0;
        var jobSeconds = 0.0;
        Exception? jobFailure = null;
        var job = new Thread(() =>
        {
            StatementTimes.OnThisThread = true;
            var sw = Stopwatch.StartNew();
            try { deleted = cleanup.RunOnce(stop.Token); }
            catch (Exception e) { jobFailure = e; }
            jobSeconds = sw.Elapsed.TotalSeconds;
        }) { IsBackground = true };
        job.Start();
        var beside = Driver.ForSeconds(spec.MeasureSeconds, EgovRuns.DurableExecutors, w3, until: () => !job.IsAlive);
        stop.Cancel();
        job.Join();
        if (jobFailure is not null) throw new InvalidOperationException($"W9: the retention job failed: {jobFailure.Message}", jobFailure);
        if (deleted == 0) throw new InvalidOperationException("W9: the retention job deleted nothing");

        var rateAlone = alone.Count / alone.Seconds;
        var rateBeside = beside.Count / beside.Seconds;
        var loss = (1 - rateBeside / rateAlone) * 100;
        var perSecond = deleted / jobSeconds;
        var perDay = cases / (double)(RetentionDays + BacklogDays);
        var (p50, p99) = beside.Latencies.Percentiles();
        var (longest, longestSql) = statements.Longest;
        return new BenchResult
        {
            Workload = "W9", Store = spec.Store, Engine = "egov", Mode = "retention", Instances = beside.Count, InFlight = EgovRuns.DurableExecutors,
            InstancesPerSecond = rateBeside, P50Ms = p50, P99Ms = p99, ElapsedSeconds = beside.Seconds, PeakRssMb = Proc.PeakRssMb(),
            BaselinePerSecond = rateAlone, DeletedPerSecond = perSecond, Cases = cases, LongestStatementMs = longest, DatabaseMb = size.StoredBytes / 1048576.0,
            Note = $"{cases * RowsPerCase:N0} history rows of {cases:N0} ended cases (written in {seeded:0} s; database {size.StoredBytes / 1048576.0:N0} MB), "
                   + $"{expired:N0} expired ({BacklogDays} days' worth); W3 alone {rateAlone:N0}/s, beside the retention job {rateBeside:N0}/s ({-loss:+0.0;-0.0} %); "
                   + $"the job deleted {deleted:N0} cases in {jobSeconds:0.0} s ({perSecond:N0}/s: one day's {perDay:N0} expiries in {perDay / perSecond:0.0} s); "
                   + $"longest statement {longest:0.0} ms ({longestSql}), longest transaction {statements.LongestTransactionMs:0.0} ms, {statements.Count:N0} statements",
        };
    }

    /// <summary>Writes the ended cases and their history rows (in transactions of 10,000 cases); returns how many have expired.</summary>
    private static int Seed(DurableStoreOptions options, int cases, Instant now)
    {
        var day = Duration.FromDays(1).BclCompatibleTicks;
        var nowTicks = now.ToUnixTimeTicks();
        var span = (RetentionDays + BacklogDays) * day;
        var expiredBefore = nowTicks - RetentionDays * day - day; // a day's margin: the job compares with the clock at its run
        var pg = options.Provider == StoreProvider.Postgres;
        var expired = 0;
        using var c = AnalyticsRun.Open(options);
        var flushes = new List<Action>();
        // One row per prepared statement on SQLite (in process, no round trips); 500 rows per statement on PostgreSQL.
        RowSink Rows(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, bool batched, string sql, int parameters)
        {
            if (batched)
            {
                var batch = new BatchedInsert(connection, tx, sql, 500);
                flushes.Add(batch.Flush);
                return values => batch.Add(values);
            }
            var cmd = AnalyticsRun.Insert(connection, tx, sql, parameters);
            flushes.Add(cmd.Dispose);
            return values => AnalyticsRun.Exec(cmd, values);
        }
        for (var from = 0; from < cases; from += 10_000)
        {
            using var tx = c.BeginTransaction();
            var instance = Rows(c, tx, pg, "INSERT INTO instances (tenant_id, id, root_instance_id, process_id, definition_version, status, started_at, ended_at, revision, document) VALUES (@p0,@p1,@p1,@p2,1,'Completed',@p3,@p4,1,'{}')", 5);
            var element = Rows(c, tx, pg, "INSERT INTO history_element_instances (tenant_id, id, instance_id, root_instance_id, process_id, element_id, element_type, element_name, started_at, ended_at, completed, sequence, arrived_by) VALUES (@p0,@p1,@p2,@p2,@p3,@p4,@p5,NULL,@p6,@p7,@p8,@p9,NULL)", 10);
            var variable = Rows(c, tx, pg, "INSERT INTO history_variables (tenant_id, id, instance_id, root_instance_id, process_id, scope_id, scope_element_id, name, change, old_value, new_value, occurred_at, command, user_id) VALUES (@p0,@p1,@p2,@p2,@p3,@p2,@p3,@p4,'Created',NULL,@p5,@p6,'bench',NULL)", 7);
            var task = Rows(c, tx, pg, "INSERT INTO history_tasks (tenant_id, id, instance_id, root_instance_id, process_id, task_id, kind, element_id, event, user_id, occurred_at, command) VALUES (@p0,@p1,@p2,@p2,@p3,@p4,'User','Pruefen',@p5,@p6,@p7,'bench')", 8);
            for (var i = from; i < Math.Min(cases, from + 10_000); i++)
            {
                var id = $"w9-{i:D8}";
                var ended = nowTicks - span + (long)((i + 0.5) * span / cases);
                var started = ended - 3 * day;
                if (ended < expiredBefore) expired++;
                instance(Tenant, id, Process, started, ended);
                var seq = 0;
                void Element(string elementId, string type, long a, long b) =>
                    element(Tenant, $"{id}.h{++seq}", id, Process, elementId, type, a, b, pg ? true : 1, (long)seq);
                Element("Start", "startEvent", started, started);
                Element("f1", "sequenceFlow", started, started);
                Element("Pruefen", "userTask", started, ended);
                Element("f2", "sequenceFlow", ended, ended);
                Element("Ende", "endEvent", ended, ended);
                for (var v = 0; v < 12; v++)
                    variable(Tenant, $"{id}.v{v}", id, Process, $"feld{v}", $"\"Wert {v} des Antrags {i}\"", started);
                task(Tenant, $"{id}.ht1", id, Process, $"{id}.t1", "Created", null, started);
                task(Tenant, $"{id}.ht2", id, Process, $"{id}.t1", "Assigned", "clerk", started + day);
                task(Tenant, $"{id}.ht3", id, Process, $"{id}.t1", "Completed", "clerk", ended);
            }
            foreach (var flush in flushes) flush();
            flushes.Clear();
            tx.Commit();
        }
        return expired;
    }
}

/// <summary>
/// How long EF Core's commands and transactions took on threads that set <see cref="OnThisThread"/> (its diagnostic
/// events "CommandExecuted", "TransactionStarted" and "TransactionCommitted"): the longest statement and transaction.
/// </summary>
public sealed class StatementTimes : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    [ThreadStatic] private static bool t_onThisThread;

    /// <summary>Set on the thread whose EF Core commands are timed.</summary>
    public static bool OnThisThread { get => t_onThisThread; set => t_onThisThread = value; }
    [ThreadStatic] private static long t_transactionStart;

    private readonly IDisposable _all;
    private readonly ConcurrentBag<IDisposable> _subscriptions = [];
    private readonly Lock _lock = new();
    private double _longest, _longestTransaction;
    private string _longestSql = "";
    private int _count;

    public StatementTimes() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    public (double Ms, string Sql) Longest { get { lock (_lock) return (_longest, _longestSql); } }
    public double LongestTransactionMs { get { lock (_lock) return _longestTransaction; } }
    public int Count => Volatile.Read(ref _count);

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.EntityFrameworkCore") _subscriptions.Add(listener.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (!t_onThisThread) return;
        if (e.Key.EndsWith("TransactionStarted", StringComparison.Ordinal)) t_transactionStart = Stopwatch.GetTimestamp();
        else if (e.Key.EndsWith("TransactionCommitted", StringComparison.Ordinal) && t_transactionStart != 0)
        {
            var ms = Stopwatch.GetElapsedTime(t_transactionStart).TotalMilliseconds;
            lock (_lock) _longestTransaction = Math.Max(_longestTransaction, ms);
        }
        else if (e.Key.EndsWith("CommandExecuted", StringComparison.Ordinal) && e.Value is Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData d)
        {
            Interlocked.Increment(ref _count);
            var ms = d.Duration.TotalMilliseconds;
            lock (_lock)
                if (ms > _longest)
                {
                    _longest = ms;
                    var sql = d.Command.CommandText.ReplaceLineEndings(" ");
                    _longestSql = sql.Length > 80 ? sql[..80] + "…" : sql;
                }
        }
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        _all.Dispose();
        foreach (var s in _subscriptions) s.Dispose();
    }
}
