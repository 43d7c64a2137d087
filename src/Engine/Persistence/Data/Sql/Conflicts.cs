using System.Data.Common;
using EGov.Workflows.Runtime.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>How a commit's failures read: the same words on every provider and in every commit path.</summary>
internal static class Conflicts
{
    public static bool IsUniqueViolation(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => e.InnerException is { } inner && IsUniqueViolation(inner),
    };

    public static ConcurrencyConflictException DuplicateInstance(DbException e) =>
        new("a process instance was created by another command at the same time", e);

    public static ConcurrencyConflictException StaleRevision(string instanceId, long readAt, long? current) => new(current is null
        ? $"process instance {instanceId} does not exist (read at revision {readAt})"
        : $"process instance {instanceId} was changed by another command (revision {current}, read at {readAt})");
}
