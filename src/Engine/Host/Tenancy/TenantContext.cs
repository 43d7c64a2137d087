using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// The tenant a request acts for comes from its caller, never from a header alone: <c>X-Tenant</c> only selects among the
/// caller's tenants (403 for any other); without it, the caller's first tenant (a caller of every tenant, "*": the server's
/// default tenant). A request without identity (public endpoints) uses the default tenant. An identity of every tenant naming a
/// tenant that does not exist gets 404 and creates nothing (see <see cref="TenantDirectory"/>).
/// </summary>
public static class TenantContext
{
    public static TenantEngine Tenant(this HttpContext context)
    {
        var engines = context.RequestServices.GetRequiredService<TenantEngines>();
        var caller = context.FindCaller();
        var header = context.Request.Headers[TenantEngines.Header].ToString().Trim();
        if (header.Length > 0 && !TenantEngines.IsValidId(header))
            throw ApiProblemException.BadRequest($"X-Tenant '{header}' is not a tenant id", "1–64 letters, digits, '.', '-' or '_' (e.g. the municipality's AGS 06412000)");
        if (caller is null) return engines.Get(engines.DefaultTenantId);
        if (header.Length > 0)
        {
            if (!caller.BelongsTo(header)) throw Refusals.Forbidden(context, $"'{caller.Id}' does not belong to tenant '{header}'");
            if (!caller.AllTenants) return engines.Get(header); // a tenant of the identity: known by that
            return engines.GetKnown(header) ?? throw ApiProblemException.NotFound(
                $"there is no tenant '{header}' on this installation (a tenant exists once an account or client of it is created, or it is named in the configuration: Tenants:<id> or --tenants)");
        }
        var first = caller.Tenants.FirstOrDefault(t => t != "*");
        return engines.Get(caller.AllTenants || first is null ? engines.DefaultTenantId : first);
    }
}
