using System.Text;

namespace EGov.Workflows.Persistence.Data.Sql;

/// <summary>
/// An INSERT of several rows in one statement, for the append-only history a command writes a dozen of at once: one
/// statement to step instead of twelve. Row counts are cut into chunks of 16, 8, 4, 2 and 1, so each table has five
/// texts, each prepared once per connection.
/// </summary>
internal sealed class RowsInsert
{
    public const int MaxChunk = 16;
    private readonly SqlText[] _chunks; // index: log2 of the row count

    public RowsInsert(string table, params string[] columns)
    {
        Columns = columns.Length;
        _chunks = new SqlText[5];
        for (var k = 0; k < _chunks.Length; k++)
        {
            var rows = 1 << k;
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                    sql.Append(c == 0 ? "" : ", ").Append("@p").Append((r * columns.Length) + c);
                sql.Append(')');
            }
            _chunks[k] = new SqlText(sql.ToString());
        }
    }

    public int Columns { get; }

    /// <summary>How many of <paramref name="remaining"/> rows the next statement takes: a power of two up to 16.</summary>
    public static int Chunk(int remaining) => remaining >= MaxChunk ? MaxChunk : 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)remaining));

    /// <summary>The statement for <paramref name="rows"/> rows (a value of <see cref="Chunk"/>).</summary>
    public SqlText For(int rows) => _chunks[System.Numerics.BitOperations.Log2((uint)rows)];

    /// <summary>Writes <paramref name="rows"/> in chunks; <paramref name="bind"/> binds one row's values in column order.</summary>
    public void Write<T>(IStatementSink sink, List<T> rows, Action<ISqlParams, T> bind)
    {
        for (var i = 0; i < rows.Count;)
        {
            var n = Chunk(rows.Count - i);
            var p = sink.Begin(For(n));
            for (var k = 0; k < n; k++) bind(p, rows[i + k]);
            sink.End();
            i += n;
        }
    }
}
