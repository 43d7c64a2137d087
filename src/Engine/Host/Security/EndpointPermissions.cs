using Microsoft.AspNetCore.Builder;

namespace EGov.Workflows.Host.Security;

/// <summary>States the permission an endpoint (or a group of endpoints) needs, next to where it is mapped.</summary>
public static class EndpointPermissions
{
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new EndpointPermission(permission));
        return builder;
    }
}
