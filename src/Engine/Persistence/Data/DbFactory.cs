using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EGov.Workflows.Persistence.Data;

/// <summary>Builds the EF Core options once and hands out a short-lived context per operation.</summary>
internal sealed class DbFactory
{
    private readonly DbContextOptions<RuntimeDbContext> _options;

    public DbFactory(DurableStoreOptions store)
    {
        Store = store;
        var b = new DbContextOptionsBuilder<RuntimeDbContext>();
        if (store.Provider == StoreProvider.Sqlite)
            b.UseSqlite(store.ConnectionString).AddInterceptors(new SqlitePragmas(store));
        else
            b.UseNpgsql(store.ConnectionString);
        b.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        b.EnableThreadSafetyChecks(false);
        _options = b.Options;
    }

    public DurableStoreOptions Store { get; }
    public bool IsSqlite => Store.Provider == StoreProvider.Sqlite;

    public RuntimeDbContext Create() => new(_options);

    /// <summary>
    /// Every SQLite connection waits for the write lock instead of failing at once, and syncs as the store says. Both are
    /// per-connection settings, so they are set on every open (a pooled connection keeps them; setting them again is cheap).
    /// </summary>
    private sealed class SqlitePragmas(DurableStoreOptions store) : DbConnectionInterceptor
    {
        private readonly string _sql =
            $"PRAGMA busy_timeout={(int)store.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous={(store.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")};";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            if (connection is not SqliteConnection) return;
            using var cmd = connection.CreateCommand();
            cmd.CommandText = _sql;
            cmd.ExecuteNonQuery();
        }
    }
}
