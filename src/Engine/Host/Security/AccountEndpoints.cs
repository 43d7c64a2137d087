using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Security;

/// <summary>Who am I (<c>/api/me</c>), my settings, and the administrators' accounts and clients (<c>/api/admin</c>).</summary>
internal static class AccountEndpoints
{
    public sealed record MeDto(string Id, string? DisplayName, string Kind, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups,
        IReadOnlyList<string> Tenants, string Tenant, string? Email, bool EmailOnAssignment);
    public sealed record SettingsRequest(bool? EmailOnAssignment, string? Email);
    public sealed record NewUserRequest(string? Name, string? DisplayName, List<string>? Roles, List<string>? Groups, List<string>? Tenants, string? Password);
    public sealed record NewUserResult(string Name, string? OneTimePassword);
    public sealed record NewClientRequest(string? Name, List<string>? Roles, List<string>? Tenants, List<string>? Topics);
    public sealed record NewClientResult(string ClientId, string Secret);

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/me", async (HttpContext http, AccountStore accounts) =>
            {
                var me = http.Caller();
                var account = me.Kind == CallerKind.Person ? await accounts.FindAsync(me.Id, http.RequestAborted) : null;
                return Results.Ok(new MeDto(me.Id, me.DisplayName, me.Kind.ToString(), me.Roles.Order().ToList(), me.Groups.Order().ToList(),
                    me.Tenants, http.Tenant().TenantId, account?.Email, account?.EmailOnAssignment ?? false));
            })
            .WithName("Me").RequirePermission(Permission.SignedIn).WithSummary("Who is signed in: id, name, kind, roles, groups, tenants and the tenant of this request")
            .Produces<MeDto>();
        api.MapPut("/me/settings", async (HttpContext http, AccountStore accounts, SettingsRequest? body) =>
            {
                var me = http.Caller();
                if (me.Kind != CallerKind.Person) throw ApiProblemException.BadRequest("settings belong to persons, not to machine clients");
                if (body is null) throw ApiProblemException.BadRequest("the body must be {emailOnAssignment, email}", "{\"emailOnAssignment\": true, \"email\": \"name@stadt.de\"}");
                var email = string.IsNullOrWhiteSpace(body.Email) ? null : body.Email.Trim();
                if (email is not null && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace)))
                    throw ApiProblemException.BadRequest($"'{email}' is not an e-mail address");
                if (body.EmailOnAssignment == true && email is null) throw ApiProblemException.BadRequest("e-mail on assignment needs an e-mail address");
                await accounts.SaveSettingsAsync(me.Id, email, body.EmailOnAssignment ?? false, http.RequestAborted);
                return Results.NoContent();
            })
            .WithName("SaveMySettings").RequirePermission(Permission.SignedIn).WithSummary("My settings: e-mail on assignment");

        var admin = api.MapGroup("/admin").RequirePermission(Permission.AccountAdmin);
        admin.MapGet("/users", async (AccountStore accounts, HttpContext http, int? offset, int? limit) =>
            Results.Ok(await Api.BoundedList.ReadAsync(http, offset, limit, page => accounts.PageAsync(page.Offset, page.Limit, http.RequestAborted))))
            .WithName("ListUsers").WithSummary("Local accounts (never their passwords)");
        admin.MapPost("/users", async (HttpContext http, AccountStore accounts, NewUserRequest? body) =>
            {
                if (body?.Name is not { Length: > 0 } name) throw ApiProblemException.BadRequest("name is required", "{\"name\": \"erika\", \"roles\": [\"clerk\"], \"groups\": [\"buergerbuero\"]}");
                var roles = CheckRoles(body.Roles ?? []);
                var tenants = CheckTenants(http, body.Tenants ?? []);
                try
                {
                    var oneTime = await accounts.CreateAsync(new NewAccount(name, body.DisplayName, roles, body.Groups ?? [], tenants), body.Password, http.RequestAborted);
                    return Results.Created($"/api/admin/users/{name}", new NewUserResult(name, oneTime));
                }
                catch (NameTakenException e) { throw ApiProblemException.Conflict(e.Message); }
                catch (ArgumentException e) { throw ApiProblemException.BadRequest(e.Message); }
            })
            .WithName("CreateUser").WithSummary("Create a local account; without a password the answer carries a one-time password");
        admin.MapPost("/users/{name}/disable", (HttpContext http, AccountStore accounts, string name) => SetDisabled(http, accounts, name, true))
            .WithName("DisableUser").WithSummary("Disable an account: it can no longer sign in");
        admin.MapPost("/users/{name}/enable", (HttpContext http, AccountStore accounts, string name) => SetDisabled(http, accounts, name, false))
            .WithName("EnableUser").WithSummary("Enable a disabled account");
        admin.MapGet("/clients", async (ClientStore clients, HttpContext http, int? offset, int? limit) =>
            Results.Ok(await Api.BoundedList.ReadAsync(http, offset, limit, page => clients.PageAsync(page.Offset, page.Limit, http.RequestAborted))))
            .WithName("ListClients").WithSummary("Machine clients (never their secrets)");
        admin.MapPost("/clients", async (HttpContext http, ClientStore clients, NewClientRequest? body) =>
            {
                if (body?.Name is not { Length: > 0 } name) throw ApiProblemException.BadRequest("name is required", "{\"name\": \"kasse-worker\", \"roles\": [\"worker\"], \"topics\": [\"gebuehr-einziehen\"]}");
                var roles = CheckRoles(body.Roles ?? []);
                var tenants = CheckTenants(http, body.Tenants ?? []);
                try
                {
                    var secret = await clients.CreateAsync(name, roles, tenants, body.Topics ?? [], cancel: http.RequestAborted);
                    return Results.Created($"/api/admin/clients/{name}", new NewClientResult(name, secret));
                }
                catch (NameTakenException e) { throw ApiProblemException.Conflict(e.Message); }
                catch (ArgumentException e) { throw ApiProblemException.BadRequest(e.Message); }
            })
            .WithName("CreateClient").WithSummary("Create a machine client; the answer carries its secret, shown only this once");
        admin.MapPost("/clients/{name}/disable", async (HttpContext http, ClientStore clients, string name) =>
                await clients.SetDisabledAsync(name, true, http.RequestAborted) ? Results.NoContent() : throw ApiProblemException.NotFound($"no client '{name}'"))
            .WithName("DisableClient").WithSummary("Disable a machine client: no more tokens or Basic sign-ins");
        return app;
    }

    private static async Task<IResult> SetDisabled(HttpContext http, AccountStore accounts, string name, bool disabled)
    {
        if (await accounts.FindAsync(name, http.RequestAborted) is not { } account || !account.Tenants.DefaultIfEmpty("").Any(t => t.Length == 0 || http.Caller().BelongsTo(t)))
            throw ApiProblemException.NotFound($"no account '{name}'");
        await accounts.SetDisabledAsync(name, disabled, http.RequestAborted);
        return Results.NoContent();
    }

    internal static List<string> CheckRoles(IEnumerable<string> roles)
    {
        var list = roles.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToList();
        var unknown = list.Where(r => !RolePermissions.Table.ContainsKey(r)).ToList();
        if (unknown.Count > 0) throw ApiProblemException.BadRequest($"unknown role(s): {string.Join(", ", unknown)}; known: {string.Join(", ", RolePermissions.Roles)}");
        return list;
    }

    /// <summary>An administrator gives only tenants it belongs to.</summary>
    private static List<string> CheckTenants(HttpContext http, IEnumerable<string> tenants)
    {
        var me = http.Caller();
        var list = tenants.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList();
        foreach (var t in list)
        {
            if (t != "*" && !TenantEngines.IsValidId(t)) throw ApiProblemException.BadRequest($"'{t}' is not a tenant id");
            if (!(t == "*" ? me.AllTenants : me.BelongsTo(t))) throw Refusals.Forbidden(http, $"'{me.Id}' cannot give tenant '{t}': it does not belong to it");
        }
        return list;
    }
}
