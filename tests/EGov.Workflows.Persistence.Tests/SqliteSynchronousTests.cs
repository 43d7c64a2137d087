using EGov.Workflows.Persistence.Data;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Persistence.Tests;

public sealed class SqliteSynchronousTests
{
    [Fact]
    public void Parse_WithoutOption_IsNormal()
    {
        DurableStoreOptions.Parse("sqlite:/tmp/x/egov.db").Synchronous.ShouldBe(SqliteSynchronous.Normal);
        DurableStoreOptions.Sqlite("/tmp/x/egov.db").Synchronous.ShouldBe(SqliteSynchronous.Normal);
    }

    [Theory]
    [InlineData("sqlite:/tmp/x/egov.db?synchronous=full", SqliteSynchronous.Full)]
    [InlineData("sqlite:/tmp/x/egov.db?synchronous=FULL", SqliteSynchronous.Full)]
    [InlineData("sqlite:/tmp/x/egov.db?synchronous=normal", SqliteSynchronous.Normal)]
    public void Parse_SynchronousOption_SetsTheLevelAndKeepsThePath(string spec, SqliteSynchronous expected)
    {
        var options = DurableStoreOptions.Parse(spec);

        options.Synchronous.ShouldBe(expected);
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource.ShouldBe(Path.GetFullPath("/tmp/x/egov.db"));
    }

    [Fact]
    public void Parse_DefaultFileWithOption_IsTheDefaultFile()
    {
        var options = DurableStoreOptions.Parse("sqlite?synchronous=full");

        options.Synchronous.ShouldBe(SqliteSynchronous.Full);
        options.ConnectionString.ShouldContain(Path.Combine("data", "egov.db"));
    }

    [Theory]
    [InlineData("sqlite:/tmp/x/egov.db?synchronous=off")]
    [InlineData("sqlite:/tmp/x/egov.db?journal_mode=delete")]
    public void Parse_UnknownOptionOrLevel_IsRefused(string spec) =>
        Should.Throw<ArgumentException>(() => DurableStoreOptions.Parse(spec));

    [Theory]
    [InlineData(SqliteSynchronous.Normal, 1L)]
    [InlineData(SqliteSynchronous.Full, 2L)]
    public void StoreConnections_UseTheConfiguredLevel(SqliteSynchronous level, long pragmaValue)
    {
        using var db = TestDatabases.Create("sqlite");
        using var store = new EfRuntimeStore(db.Options with { Synchronous = level });
        using var ctx = new DbFactory(store.Options).Create();
        ctx.Database.OpenConnection();
        using var cmd = ctx.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = "PRAGMA synchronous;";

        cmd.ExecuteScalar().ShouldBe(pragmaValue);
    }
}
