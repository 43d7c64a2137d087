using System.Text;
using EGov.Workflows.Persistence.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The store runs on compiled EF Core models (Data/CompiledModels, one per provider: a start does not build the model from
/// the mapping, issue 15). They must say what <see cref="RuntimeDbContext"/>'s mapping says: a row class or mapping changed
/// without running scripts/compiled-model.sh fails here, for SQLite and for PostgreSQL (no server needed).
/// </summary>
public sealed class CompiledModelTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void CompiledModel_SaysWhatTheMappingSays(string provider)
    {
        var built = Describe(ModelOf(provider, compiled: null));
        var compiled = Describe(ModelOf(provider, provider == "sqlite" ? Data.CompiledModels.Sqlite.RuntimeDbContextModel.Instance : Data.CompiledModels.Postgres.RuntimeDbContextModel.Instance));

        var missing = built.Except(compiled).ToList();
        var extra = compiled.Except(built).ToList();
        (missing.Count + extra.Count).ShouldBe(0,
            $"the compiled {provider} model is stale: run scripts/compiled-model.sh\n  mapping only:\n    {string.Join("\n    ", missing)}\n  compiled only:\n    {string.Join("\n    ", extra)}");
        built.Count.ShouldBeGreaterThan(100); // every table, column and key was described
    }

    [Fact]
    public void Store_UsesTheCompiledModelOfItsProvider()
    {
        using var db = TestDatabases.Create("sqlite");
        using var factory = new DbFactory(db.Options);
        using var context = factory.Create();
        context.Model.ShouldBeOfType<Data.CompiledModels.Sqlite.RuntimeDbContextModel>();
    }

    [Fact]
    public void Describe_SeesAColumnRenamedInTheMapping()
    {
        // The comparison can fail: a model whose column is named differently is described differently.
        var model = ModelOf("sqlite", compiled: null);
        var lines = Describe(model);
        lines.ShouldContain(l => l.Contains("instances.tenant_id ", StringComparison.Ordinal));
        lines.ShouldNotContain(l => l.Contains("instances.tenantid ", StringComparison.Ordinal));
    }

    /// <summary>The model a context of the provider works with: built from the mapping, or the compiled one (initialized for the provider).</summary>
    private static IModel ModelOf(string provider, IModel? compiled)
    {
        var b = new DbContextOptionsBuilder<RuntimeDbContext>();
        if (provider == "sqlite") b.UseSqlite("Data Source=:memory:");
        else b.UseNpgsql("Host=not-connected");
        if (compiled is not null) b.UseModel(compiled);
        using var context = new RuntimeDbContext(b.Options);
        return context.Model;
    }

    /// <summary>One line per table, column, key, index and foreign key, with what reads and writes use of it.</summary>
    private static List<string> Describe(IModel model)
    {
        var lines = new List<string>();
        foreach (var e in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var table = e.GetTableName();
            lines.Add($"entity {e.Name} table {e.GetSchema()}.{table} base {e.BaseType?.Name}");
            foreach (var p in e.GetProperties())
            {
                var mapping = p.GetRelationalTypeMapping();
                var line = new StringBuilder($"column {table}.{p.GetColumnName()} ");
                line.Append($"property {p.Name} {p.ClrType} nullable {p.IsNullable} generated {p.ValueGenerated} ");
                line.Append($"store type {mapping.StoreType} db type {mapping.DbType} converter {mapping.Converter?.GetType().Name} ");
                line.Append($"max length {p.GetMaxLength()} concurrency {p.IsConcurrencyToken} shadow {p.IsShadowProperty()} ");
                line.Append($"field {p.FieldInfo?.Name} property {p.PropertyInfo?.Name}");
                lines.Add(line.ToString());
            }
            foreach (var k in e.GetKeys())
                lines.Add($"key {table} ({string.Join(", ", k.Properties.Select(p => p.Name))}) primary {k.IsPrimaryKey()}");
            foreach (var i in e.GetIndexes())
                lines.Add($"index {table} ({string.Join(", ", i.Properties.Select(p => p.Name))}) unique {i.IsUnique}");
            foreach (var f in e.GetForeignKeys())
                lines.Add($"foreign key {table} ({string.Join(", ", f.Properties.Select(p => p.Name))}) → {f.PrincipalEntityType.Name}");
        }
        return lines;
    }
}
