using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence;

/// <summary>The databases the durable store runs on.</summary>
public enum StoreProvider
{
    /// <summary>Embedded, one file (default <c>./data/egov.db</c>), WAL mode, one writer at a time: one node.</summary>
    Sqlite,
    /// <summary>A server for many nodes over one database (job acquisition with <c>FOR UPDATE SKIP LOCKED</c>).</summary>
    Postgres,
}

/// <summary>Where the durable store keeps its tables. Written as text: <c>sqlite:PATH</c> or <c>postgres:CONNECTION</c>.</summary>
public sealed record DurableStoreOptions
{
    /// <summary>The file a single-node installation uses when nothing is said.</summary>
    public const string DefaultSqlitePath = "./data/egov.db";

    public required StoreProvider Provider { get; init; }

    /// <summary>An ADO.NET connection string for the provider.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>PostgreSQL only: the schema that holds the tables (created when missing); null = the search path's first (public).</summary>
    public string? Schema { get; init; }

    /// <summary>How long a command waits for SQLite's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>SQLite only: when a commit waits for the disk (see <see cref="SqliteSynchronous"/> for the trade-off).</summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Normal;

    /// <summary>The default <see cref="WalSizeLimit"/>: 64 MB.</summary>
    public const long DefaultWalSizeLimit = 64L * 1024 * 1024;

    /// <summary>
    /// SQLite only: the size the write-ahead log is kept under. Past it the WAL is checkpointed and truncated (and past
    /// twice it by the writer itself, before more commits), and after a second without commits it is truncated to zero;
    /// <c>journal_size_limit</c> is set to it. Written in the store spec as <c>sqlite:PATH?wal_limit=64MB</c>.
    /// </summary>
    public long WalSizeLimit { get; init; } = DefaultWalSizeLimit;

    /// <summary>SQLite in a file (its folder is created when missing).</summary>
    public static DurableStoreOptions Sqlite(string path = DefaultSqlitePath, SqliteSynchronous synchronous = SqliteSynchronous.Normal)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var csb = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30 };
        return new DurableStoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = csb.ToString(), Synchronous = synchronous };
    }

    /// <summary>PostgreSQL; <paramref name="schema"/> puts the tables into their own schema (one per test, or per installation).</summary>
    public static DurableStoreOptions Postgres(string connectionString, string? schema = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (schema is not null)
        {
            if (!IsPlainIdentifier(schema)) throw new ArgumentException($"schema '{schema}' must be a plain identifier (letters, digits, _)", nameof(schema));
            csb.SearchPath = schema;
        }
        return new DurableStoreOptions { Provider = StoreProvider.Postgres, ConnectionString = csb.ToString(), Schema = schema };
    }

    /// <summary>
    /// Reads <c>sqlite:PATH</c>, <c>sqlite</c> (the default file), <c>postgres:CONNECTION</c> or <c>postgresql:CONNECTION</c>.
    /// A SQLite spec may end in <c>?synchronous=normal|full</c> (<c>sqlite?synchronous=full</c> for the default file) and
    /// <c>wal_limit=SIZE</c> (bytes, or with KB/MB/GB), joined with <c>&amp;</c>.
    /// </summary>
    public static DurableStoreOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var rest = colon < 0 ? "" : text[(colon + 1)..].Trim();
        if (colon < 0 && kind.StartsWith("sqlite?", StringComparison.Ordinal)) (kind, rest) = ("sqlite", kind["sqlite".Length..]);
        return kind switch
        {
            "sqlite" => ParseSqlite(rest),
            "postgres" or "postgresql" when rest.Length > 0 => Postgres(rest),
            "postgres" or "postgresql" => throw new ArgumentException("postgres needs a connection string: postgres:Host=…;Database=…;Username=…", nameof(text)),
            _ => throw new ArgumentException($"unknown store '{text}'; known: sqlite:PATH, postgres:CONNECTION", nameof(text)),
        };
    }

    // PATH[?synchronous=normal|full]: the options follow the path's last '?'.
    private static DurableStoreOptions ParseSqlite(string rest)
    {
        var query = rest.LastIndexOf('?');
        var path = query < 0 ? rest : rest[..query].Trim();
        var synchronous = SqliteSynchronous.Normal;
        var walLimit = DefaultWalSizeLimit;
        if (query >= 0)
            foreach (var pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = (eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
                var value = eq < 0 ? "" : pair[(eq + 1)..].ToLowerInvariant();
                if (key == "wal_limit")
                {
                    walLimit = ParseSize(value) ?? throw new ArgumentException($"wal_limit='{value}': expected a size of at least 64KB, e.g. 64MB", nameof(rest));
                    continue;
                }
                synchronous = (key, value) switch
                {
                    ("synchronous", "normal") => SqliteSynchronous.Normal,
                    ("synchronous", "full") => SqliteSynchronous.Full,
                    ("synchronous", _) => throw new ArgumentException($"synchronous='{value}': expected normal or full", nameof(rest)),
                    _ => throw new ArgumentException($"unknown SQLite option '{key}'; known: synchronous=normal|full, wal_limit=SIZE", nameof(rest)),
                };
            }
        return Sqlite(path.Length == 0 ? DefaultSqlitePath : path, synchronous) with { WalSizeLimit = walLimit };
    }

    // 65536, 64kb, 64mb, 1gb (lower-cased already); at least 64 KB, at most 64 GB.
    private static long? ParseSize(string text)
    {
        var (digits, factor) = text.EndsWith("kb", StringComparison.Ordinal) ? (text[..^2], 1024L)
            : text.EndsWith("mb", StringComparison.Ordinal) ? (text[..^2], 1024L * 1024)
            : text.EndsWith("gb", StringComparison.Ordinal) ? (text[..^2], 1024L * 1024 * 1024)
            : (text, 1L);
        if (!long.TryParse(digits.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return null;
        if (n > 64L * 1024 * 1024 * 1024 / factor) return null;
        var bytes = n * factor;
        return bytes >= 64 * 1024 ? bytes : null;
    }

    internal static bool IsPlainIdentifier(string s) =>
        s.Length is > 0 and <= 63 && (char.IsAsciiLetterLower(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
