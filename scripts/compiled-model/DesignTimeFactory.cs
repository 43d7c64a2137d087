using EGov.Workflows.Persistence.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EGov.Workflows.Persistence.Design;

/// <summary>The store's context for `dotnet ef dbcontext optimize -- sqlite|postgres`: the provider decides the type mappings.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<RuntimeDbContext>
{
    public RuntimeDbContext CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<RuntimeDbContext>();
        if (args.Contains("postgres")) b.UseNpgsql("Host=design-time");
        else if (args.Contains("sqlite")) b.UseSqlite("Data Source=:memory:");
        else throw new ArgumentException("name the provider: -- sqlite or -- postgres");
        return new RuntimeDbContext(b.Options);
    }
}

internal static class Program
{
    private static void Main() { }
}
