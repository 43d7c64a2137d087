using System.Data;
using System.Data.Common;
using System.Globalization;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// A command with positional parameters <c>@p0</c>, <c>@p1</c> … for the side stores that write plain SQL shared by both
/// dialects. A null value needs a declared type for PostgreSQL to accept it; each store names the one its nullable columns have,
/// or none (<c>nullType</c> null) when its nulls go to columns of several types: an untyped null takes the column's
/// type, and an optional filter then gives its parameter one with a CAST.
/// </summary>
internal static class PositionalCommand
{
    public static DbCommand Create(DbConnection connection, string sql, DbType? nullType, params object?[] values)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            p.Value = values[i] ?? DBNull.Value;
            if (values[i] is null && nullType is { } type) p.DbType = type;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
