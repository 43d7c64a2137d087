using System.Data.Common;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// Builds the EF Core options once and hands out a short-lived context per operation (the rarer queries and writes).
/// On PostgreSQL both EF and the store's hand-written commands use one <see cref="NpgsqlDataSource"/>: one pool, and
/// automatic preparation, so a statement the store runs again and again is parsed and planned once per connection.
/// The model is the provider's compiled model (Data/CompiledModels), not built from <see cref="RuntimeDbContext"/>'s mapping.
/// </summary>
internal sealed class DbFactory : IDisposable
{
    private readonly DbContextOptions<RuntimeDbContext> _options;

    public DbFactory(DurableStoreOptions store)
    {
        Store = store;
        var b = new DbContextOptionsBuilder<RuntimeDbContext>();
        if (store.Provider == StoreProvider.Sqlite)
            b.UseSqlite(store.ConnectionString).AddInterceptors(new SqlitePragmaInterceptor(store));
        else
        {
            var csb = new NpgsqlConnectionStringBuilder(store.ConnectionString);
            if (csb.MaxAutoPrepare == 0) csb.MaxAutoPrepare = 64; // unless the connection string says otherwise
            // A commit's batch (document, index and history rows) is often more than the default 8 KB: room to write it in one piece.
            if (csb.WriteBufferSize == 8192) csb.WriteBufferSize = 64 * 1024;
            DataSource = NpgsqlDataSource.Create(csb.ToString());
            b.UseNpgsql(DataSource);
        }
        // The compiled model of the provider (scripts/compiled-model.sh writes them; CompiledModelTests compares them with
        // the mapping): the first query of a start does not build the model from the mapping's conventions (issue 15).
        b.UseModel(store.Provider == StoreProvider.Sqlite ? CompiledModels.Sqlite.RuntimeDbContextModel.Instance : CompiledModels.Postgres.RuntimeDbContextModel.Instance);
        b.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        b.EnableThreadSafetyChecks(false);
        _options = b.Options;
    }

    public DurableStoreOptions Store { get; }
    public bool IsSqlite => Store.Provider == StoreProvider.Sqlite;

    /// <summary>PostgreSQL only: the pool every connection of this store comes from.</summary>
    public NpgsqlDataSource? DataSource { get; }

    public RuntimeDbContext Create() => new(_options);

    public void Dispose() => DataSource?.Dispose();

    /// <summary>
    /// Every SQLite connection EF opens gets the store's PRAGMAs and its Unicode lower() (<see cref="SqlitePragmas.Prepare"/>;
    /// per-connection settings: setting them again is cheap, and EF's connections serve only the rarer operations).
    /// </summary>
    private sealed class SqlitePragmaInterceptor(DurableStoreOptions store) : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite) SqlitePragmas.Prepare(sqlite, store);
        }
    }
}
