using EGov.Workflows.Host.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>The tenant of a request: the <c>X-Tenant</c> header, or the server's default tenant when it is absent.</summary>
public static class TenantContext
{
    public static TenantEngine Tenant(this HttpContext context)
    {
        var engines = context.RequestServices.GetRequiredService<TenantEngines>();
        var header = context.Request.Headers[TenantEngines.Header].ToString();
        if (string.IsNullOrWhiteSpace(header)) return engines.Get(engines.DefaultTenantId);
        header = header.Trim();
        if (!TenantEngines.IsValidId(header))
            throw ApiProblemException.BadRequest($"X-Tenant '{header}' is not a tenant id", "1–64 letters, digits, '.', '-' or '_' (e.g. the municipality's AGS 06412000)");
        return engines.Get(header);
    }
}
