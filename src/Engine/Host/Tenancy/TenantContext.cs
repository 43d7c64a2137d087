using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// The tenant a request acts for comes from its caller, never from a header alone: <c>X-Tenant</c> only selects among the
/// caller's tenants (403 for any other); without it, the caller's first tenant (a caller of every tenant, "*": the server's
/// default tenant). A request without identity (public endpoints) uses the default tenant.
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
            return engines.Get(header);
        }
        var first = caller.Tenants.FirstOrDefault(t => t != "*");
        return engines.Get(caller.AllTenants || first is null ? engines.DefaultTenantId : first);
    }
}
