using EGov.Workflows.Identity.Data;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Schema;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity;

/// <summary>
/// Where the identity tables live: the same database as the runtime (<c>--store sqlite:PATH</c> or <c>postgres:…</c>), so
/// <c>./egov users add</c> and <c>./egov serve</c> see the same accounts. For <c>--store memory</c> an in-memory SQLite
/// database, kept open as long as this object lives (accounts are then lost at exit like everything else).
/// </summary>
public sealed class IdentityDatabase : IDisposable
{
    private readonly SqliteConnection? _keeper;

    private IdentityDatabase(DurableStoreOptions store, SqliteConnection? keeper, bool inMemory)
    {
        Store = store;
        _keeper = keeper;
        InMemory = inMemory;
    }

    public DurableStoreOptions Store { get; }
    public bool InMemory { get; }

    /// <summary>Opens (and creates or upgrades) the identity tables of a <c>--store</c> spec.</summary>
    public static IdentityDatabase Open(string storeSpec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeSpec);
        if (storeSpec.Trim() == "memory")
        {
            var csb = new SqliteConnectionStringBuilder
            {
                DataSource = $"egov-identity-{Guid.NewGuid():N}", Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared,
            };
            var keeper = new SqliteConnection(csb.ToString());
            keeper.Open();
            var options = new DurableStoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = csb.ToString() };
            RunIdentityScripts(keeper);
            return new IdentityDatabase(options, keeper, inMemory: true);
        }
        var store = DurableStoreOptions.Parse(storeSpec.Trim());
        SchemaMigrator.Migrate(store);
        return new IdentityDatabase(store, null, inMemory: false);
    }

    /// <summary>The in-memory database gets every script (the identity script extends a runtime table; the rest stays unused).</summary>
    private static void RunIdentityScripts(SqliteConnection connection)
    {
        foreach (var (_, _, sql) in SchemaMigrator.Scripts(StoreProvider.Sqlite))
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Configures an EF Core options builder for the identity context (OpenIddict's entities included).</summary>
    public void Configure(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Store.Provider == StoreProvider.Sqlite) builder.UseSqlite(Store.ConnectionString);
        else builder.UseNpgsql(Store.ConnectionString);
        builder.UseOpenIddict();
    }

    /// <summary>A short-lived context (the caller disposes it).</summary>
    public IdentityDb CreateContext()
    {
        var b = new DbContextOptionsBuilder<IdentityDb>();
        Configure(b);
        return new IdentityDb(b.Options);
    }

    public void Dispose() => _keeper?.Dispose();
}
