using EGov.Workflows.Persistence.Data.Sql;
using Npgsql;
using NpgsqlTypes;

namespace EGov.Workflows.Persistence.Data.Postgres;

/// <summary>
/// Positional parameters ($1, $2, …) with their types stated, a null included: the server keeps one prepared statement
/// per SQL text and parameter types, so a null must not turn a text parameter into an unknown one.
/// </summary>
internal sealed class PostgresParams(NpgsqlParameterCollection target) : ISqlParams
{
    public ISqlParams Text(string? value)
    {
        target.Add(value is null ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value } : new NpgsqlParameter<string> { TypedValue = value });
        return this;
    }

    public ISqlParams Int(int value)
    {
        target.Add(new NpgsqlParameter<int> { TypedValue = value });
        return this;
    }

    public ISqlParams Long(long value)
    {
        target.Add(new NpgsqlParameter<long> { TypedValue = value });
        return this;
    }

    public ISqlParams Long(long? value) =>
        value is { } v ? Long(v) : Null(NpgsqlDbType.Bigint);

    public ISqlParams Bool(bool value)
    {
        target.Add(new NpgsqlParameter<bool> { TypedValue = value });
        return this;
    }

    private PostgresParams Null(NpgsqlDbType type)
    {
        target.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = DBNull.Value });
        return this;
    }
}
