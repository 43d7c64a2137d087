using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// A PostgreSQL cluster of one fault test's own (<c>scripts/postgres.sh</c> with a state file of its own): started on a free
/// loopback port as a non-root user, stopped fast or crashed (kill -9 of the postmaster) and started again by the test, and
/// removed at the end. No other cluster is ever touched: the script acts only on the cluster its state file names.
/// </summary>
public sealed partial class OwnPostgres : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private OwnPostgres(TempFolder folder, string connection) { _folder = folder; Connection = connection; }

    /// <summary>The connection string of the cluster's test database.</summary>
    public string Connection { get; }

    /// <summary>Why these tests cannot run here (no PostgreSQL 15 binaries), or null.</summary>
    public static string? Unavailable =>
        File.Exists(Path.Combine(Environment.GetEnvironmentVariable("EGOV_PG_BIN") is { Length: > 0 } b ? b : "/usr/lib/postgresql/15/bin", "pg_ctl"))
            ? null : "needs the PostgreSQL 15 binaries in /usr/lib/postgresql/15/bin (or EGOV_PG_BIN): the test stops and crashes a cluster of its own";

    public static async Task<OwnPostgres> StartAsync()
    {
        var folder = new TempFolder();
        var output = await RunAsync(folder, "start");
        var m = ExportLine().Match(output);
        if (!m.Success) throw new InvalidOperationException($"scripts/postgres.sh start printed no connection: {output}");
        return new OwnPostgres(folder, m.Groups[1].Value);
    }

    /// <summary><c>pg_ctl stop -m fast</c>: the server ends its connections and shuts down cleanly.</summary>
    public Task HaltAsync() => RunAsync(_folder, "halt");

    /// <summary><c>kill -9</c> of the postmaster: a crash; the next start recovers from the WAL.</summary>
    public Task CrashAsync() => RunAsync(_folder, "crash");

    /// <summary>Starts the halted or crashed cluster again on the same port with the same data.</summary>
    public Task ResumeAsync() => RunAsync(_folder, "resume");

    /// <summary>Runs <c>scripts/postgres.sh</c> on the cluster whose state and env files lie in <paramref name="folder"/>.</summary>
    private static async Task<string> RunAsync(TempFolder folder, string command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(EgovServe.RepositoryRoot, "scripts", "postgres.sh"));
        info.ArgumentList.Add(command);
        info.Environment["EGOV_PG_STATE"] = Path.Combine(folder.Path, "postgres.state");
        info.Environment["EGOV_PG_ENV"] = Path.Combine(folder.Path, "postgres.env");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/postgres.sh {command} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        try { await RunAsync(_folder, "stop"); }
        finally { _folder.Dispose(); }
    }

    [GeneratedRegex("EGOV_TEST_POSTGRES='([^']+)'")]
    private static partial Regex ExportLine();
}

/// <summary>A fault test on a PostgreSQL cluster of its own: skipped, with the reason, where the binaries are missing.</summary>
public sealed class OwnPostgresFactAttribute : FactAttribute
{
    public OwnPostgresFactAttribute()
    {
        if (OwnPostgres.Unavailable is { } why) Skip = why;
    }
}

/// <summary>The theory form of <see cref="OwnPostgresFactAttribute"/>.</summary>
public sealed class OwnPostgresTheoryAttribute : TheoryAttribute
{
    public OwnPostgresTheoryAttribute()
    {
        if (OwnPostgres.Unavailable is { } why) Skip = why;
    }
}
