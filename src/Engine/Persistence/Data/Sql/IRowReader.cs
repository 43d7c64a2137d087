using System.Data.Common;

namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>Runs one parameterized query outside a commit (hot reads: a document by key, the open tasks of a tree).</summary>
internal interface IRowReader
{
    List<T> Query<T>(SqlText sql, Action<ISqlParams> bind, Func<DbDataReader, T> read);
}
