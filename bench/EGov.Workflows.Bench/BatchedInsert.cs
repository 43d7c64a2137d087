using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Bench;

/// <summary>Takes one row's values (for <c>@p0…</c> of an INSERT).</summary>
internal delegate void RowSink(params object?[] values);

/// <summary>
/// Rows for one INSERT written many per statement (<c>VALUES (…), (…), …</c>): a workload that seeds millions of rows
/// straight into the tables on PostgreSQL spends its time in round trips when it sends one row per statement (W9's
/// 10,000,000 rows took 30 minutes that way, loaded). Given <c>INSERT INTO t (…) VALUES (@p0, @p1, 'x', …)</c> and the
/// values of <c>@p0…</c> per row, as <see cref="AnalyticsRun.Insert"/> and <see cref="AnalyticsRun.Exec"/> take them.
/// </summary>
internal sealed partial class BatchedInsert(DbConnection connection, DbTransaction transaction, string sql, int rowsPerStatement)
{
    private readonly string _head = sql[..(sql.IndexOf(" VALUES ", StringComparison.Ordinal) + 8)];
    private readonly string _tuple = sql[(sql.IndexOf(" VALUES ", StringComparison.Ordinal) + 8)..];
    private readonly List<object?[]> _rows = new(rowsPerStatement);

    [GeneratedRegex(@"@p(\d+)")]
    private static partial Regex Placeholder();

    public void Add(params object?[] values)
    {
        _rows.Add(values);
        if (_rows.Count >= rowsPerStatement) Flush();
    }

    public void Flush()
    {
        if (_rows.Count == 0) return;
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        var text = new StringBuilder(_head);
        for (var r = 0; r < _rows.Count; r++)
        {
            if (r > 0) text.Append(',');
            var row = r;
            text.Append(Placeholder().Replace(_tuple, m => "@r" + row.ToString(CultureInfo.InvariantCulture) + "p" + m.Groups[1].Value));
            for (var k = 0; k < _rows[r].Length; k++)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = "@r" + r.ToString(CultureInfo.InvariantCulture) + "p" + k.ToString(CultureInfo.InvariantCulture);
                p.Value = _rows[r][k] ?? DBNull.Value;
                if (_rows[r][k] is null) p.DbType = System.Data.DbType.String;
                cmd.Parameters.Add(p);
            }
        }
        cmd.CommandText = text.ToString();
        cmd.ExecuteNonQuery();
        _rows.Clear();
    }
}
