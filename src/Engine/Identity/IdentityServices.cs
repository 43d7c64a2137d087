using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using EGov.Workflows.Identity.Data;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Identity;

/// <summary>Registers the identity stores (accounts, clients through OpenIddict's core) on a database.</summary>
public static class IdentityServices
{
    public static IServiceCollection AddEGovIdentityStores(this IServiceCollection services, IdentityDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddSingleton(database);
        services.AddDbContext<IdentityDb>(database.Configure);
        services.AddOpenIddict().AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityDb>());
        services.AddSingleton(sp => new AccountStore(database, sp.GetService<TimeProvider>()));
        services.AddScoped<ClientStore>();
        return services;
    }
}
