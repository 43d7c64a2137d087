using System.Text.RegularExpressions;

namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>
/// One SQL statement written once with named parameters <c>@p0, @p1, …</c> (in order of first use), kept in both dialects:
/// SQLite binds them by name; for PostgreSQL they become positional <c>$1, $2, …</c>, so Npgsql sends the text as it is
/// (no parameter rewriting per execution) and the server keeps one prepared statement per text.
/// </summary>
internal sealed partial class SqlText
{
    public SqlText(string sqlite)
    {
        Sqlite = sqlite;
        Postgres = Parameter().Replace(sqlite, m => "$" + (int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) + 1));
    }

    public string Sqlite { get; }
    public string Postgres { get; }

    public string For(bool sqlite) => sqlite ? Sqlite : Postgres;

    public override string ToString() => Sqlite;

    [GeneratedRegex(@"@p(\d+)\b")]
    private static partial Regex Parameter();
}

/// <summary>The values of one statement, in the order of its parameters; typed, so a null still says what it is.</summary>
internal interface ISqlParams
{
    ISqlParams Text(string? value);
    ISqlParams Int(int value);
    ISqlParams Long(long value);
    ISqlParams Long(long? value);
    ISqlParams Bool(bool value);
}
