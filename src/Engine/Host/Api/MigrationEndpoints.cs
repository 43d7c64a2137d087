using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Migration;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>Migration of running instances to another version: validate a plan, then run it in batches.</summary>
internal static class MigrationEndpoints
{
    public static void MapMigrationEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/migrations/validate", (HttpContext http, MigrationPlan? plan) =>
            {
                if (plan is null) throw ApiProblemException.BadRequest("no migration plan in the body", RequestBodies.Migration);
                return Results.Ok(MigrationValidator.Validate(http.Tenant(), plan));
            })
            .WithName("ValidateMigration").RequirePermission(Permission.Migrate).WithSummary("Check a migration plan without running it: errors, and where the selected instances stand")
            .Produces<MigrationValidation>().WithMetadata(new ExpectedBody(RequestBodies.Migration));

        api.MapPost("/migrations", (HttpContext http, MigrationPlan? plan) =>
            {
                if (plan is null) throw ApiProblemException.BadRequest("no migration plan in the body", RequestBodies.Migration);
                var tenant = http.Tenant();
                var validation = MigrationValidator.Validate(tenant, plan);
                if (!validation.Valid)
                    throw new ApiProblemException(422, "Migration plan is not valid", $"{validation.Errors.Count} problem(s); nothing was migrated",
                        new Dictionary<string, object?> { ["errors"] = validation.Errors });
                return Results.Ok(InstanceMigrator.Run(tenant, plan, validation, http.Caller().Id, http.RequestAborted));
            })
            .WithName("RunMigration").RequirePermission(Permission.Migrate).WithSummary("Validate a migration plan, then move the instances to the target version in batches")
            .Produces<MigrationResult>().ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(RequestBodies.Migration));
    }
}
