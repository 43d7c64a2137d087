using System.Data.Common;

namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>
/// Where a commit's statements go, inside one open transaction: SQLite runs each at once on prepared, reused commands;
/// PostgreSQL queues them into one batch (one round trip) and runs it at <see cref="Flush"/>.
/// </summary>
internal interface IStatementSink
{
    /// <summary>Starts a statement: bind its values, in parameter order, on what this returns; then <see cref="End"/>.</summary>
    ISqlParams Begin(SqlText sql);

    /// <summary>Runs or queues the statement begun last; returns a handle for <see cref="RowsAffected"/>.</summary>
    int End();

    /// <summary>Runs everything queued (a duplicate key throws here at the latest).</summary>
    void Flush();

    /// <summary>Rows the statement changed; valid after <see cref="Flush"/>.</summary>
    int RowsAffected(int handle);

    /// <summary>Reads rows now, in the transaction (what a diff needs before it writes).</summary>
    List<T> Query<T>(SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read);
}
