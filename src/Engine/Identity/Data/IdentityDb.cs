using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace EGov.Workflows.Identity.Data;

/// <summary>
/// The identity tables in the engine's database (created by the migrator's script 0003_identity): accounts, the
/// provider's keys, web sessions, data protection keys, and OpenIddict's applications, authorizations, scopes and
/// tokens. Our tables and columns are snake_case like the runtime's; OpenIddict's keep their property names.
/// </summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : DbContext(options)
{
    public DbSet<AccountRow> Accounts => Set<AccountRow>();
    public DbSet<ServerKeyRow> ServerKeys => Set<ServerKeyRow>();
    public DbSet<WebSessionRow> WebSessions => Set<WebSessionRow>();
    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AccountRow>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(x => x.Name);
            e.HasIndex(x => x.NormalizedName).IsUnique();
        });
        modelBuilder.Entity<ServerKeyRow>(e => { e.ToTable("identity_keys"); e.HasKey(x => x.Id); });
        modelBuilder.Entity<WebSessionRow>(e => { e.ToTable("web_sessions"); e.HasKey(x => x.Id); e.HasIndex(x => x.ExpiresAt); });
        modelBuilder.Entity<DataProtectionKeyRow>(e => { e.ToTable("data_protection_keys"); e.HasKey(x => x.Id); });
        foreach (var type in new[] { typeof(AccountRow), typeof(ServerKeyRow), typeof(WebSessionRow), typeof(DataProtectionKeyRow) })
            foreach (var p in modelBuilder.Entity(type).Metadata.GetProperties())
                p.SetColumnName(SnakeCase(p.Name));

        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreApplication>().ToTable("oidc_applications");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oidc_authorizations");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreScope>().ToTable("oidc_scopes");
        modelBuilder.Entity<OpenIddictEntityFrameworkCoreToken>().ToTable("oidc_tokens");
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
