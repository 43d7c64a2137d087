using EGov.Workflows.Host.Idempotency;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>Deployments and process definitions: deploy BPMN, list versions, start instances.</summary>
internal static class DefinitionEndpoints
{
    private const int MaxModelBytes = 8 * 1024 * 1024;

    public static void MapDefinitionEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/deployments", (Delegate)Deploy)
            .WithName("Deploy").RequirePermission(Permission.Deploy).WithSummary("Deploy BPMN models (XML body or multipart files); answers the deployed definitions with process id and version")
            .WithDescription("Body: " + RequestBodies.Deployment + ". Optional query ?name=FILE names an XML body in messages.")
            .Produces<List<ProcessDefinitionDto>>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(RequestBodies.Deployment)).DisableAntiforgery();

        api.MapGet("/process-definitions", (HttpContext http, int? offset, int? limit) =>
            {
                var t = http.Tenant();
                t.CatchUp(); // what another node deployed or deleted since this node looked (one stamp read when nothing changed)
                var all = t.Catalog.All();
                return Results.Ok(BoundedList.Of(http, all.Select(d => ProcessDefinitionDto.From(d, t.Catalog.Latest(d.ProcessId)?.Version == d.Version)), offset, limit));
            })
            .WithName("ListProcessDefinitions").RequirePermission(Permission.ProcessRead).WithSummary("Every deployed version of every process definition of the tenant")
            .Produces<List<ProcessDefinitionDto>>();

        // The version is read as text so that a malformed one is a 404 like an unknown one (and the route still exists
        // for the permission gate); the task page's bpmn-js viewer loads the diagram from here.
        api.MapGet("/process-definitions/{processId}/versions/{version}/xml", (HttpContext http, string processId, string version) =>
            {
                var t = http.Tenant();
                var found = int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                    ? t.Definition(processId, v) : null;
                if (found?.Definitions is not { } definitions)
                    throw ApiProblemException.NotFound($"process definition '{processId}' version '{version}' is not deployed for tenant '{t.TenantId}'");
                return Results.Text(Bpmn.Writing.BpmnWriter.WriteString(definitions), "application/xml", System.Text.Encoding.UTF8);
            })
            .WithName("GetProcessDefinitionXml").RequirePermission(Permission.ModelRead)
            .WithSummary("The BPMN 2.0 XML (with its diagram) of one deployed version of the tenant; 404 for an unknown process, version or another tenant's")
            .Produces<string>(StatusCodes.Status200OK, "application/xml").ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/process-definitions/{processId}/versions/{version}", (HttpContext http, string processId, string version) =>
            {
                var t = http.Tenant();
                var deleted = false;
                if (int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
                {
                    try { deleted = t.DeleteVersion(processId, v); }
                    catch (VersionInUseException e) { throw new ApiProblemException(StatusCodes.Status409Conflict, "Version in use", e.Message); }
                    catch (Runtime.Store.ConcurrencyConflictException e) { throw new ApiProblemException(StatusCodes.Status409Conflict, "Version in use", e.Message); }
                }
                if (!deleted) throw ApiProblemException.NotFound($"process definition '{processId}' version '{version}' is not deployed for tenant '{t.TenantId}'");
                return Results.NoContent();
            })
            .WithName("DeleteProcessDefinitionVersion").RequirePermission(Permission.Deploy)
            .WithSummary("Delete a version no case was ever started on (with its forms and start timers), e.g. to stay within the tenant's quota; 409 when an instance ran on it")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/process-definitions/{processId}/start", (HttpContext http, string processId, StartRequest? body) =>
            {
                var t = http.Tenant();
                t.CatchUp(); // another node may have deployed a newer version (or this process) since this node looked
                if (t.Catalog.Latest(processId) is null && !t.Engine.Deployed().Any(p => p.ProcessId == processId))
                    throw ApiProblemException.NotFound($"process definition '{processId}' is not deployed for tenant '{t.TenantId}'");
                CandidateStarters.Check(http, t, processId);
                if (IdempotentRequests.KeyOf(http) is { } key)
                    return StartIdempotent(http, t, processId, body, key);
                CheckOpenCases(http, t);
                var id = t.Engine.StartProcessAs(null, processId, body?.Variables, body?.BusinessKey, http.Caller().Id, ApplicationDate(body));
                var view = t.Engine.GetInstance(id);
                return Results.Created($"/api/process-instances/{id}", ProcessInstanceDto.From(view, view.ProcessId));
            })
            .WithName("StartProcess").RequirePermission(Permission.ProcessStart)
            .WithSummary("Start the version of a process valid on the application date (body applicationDate, default today in Europe/Berlin; egov:validFrom/validTo, else the latest) with variables and a business key; with an Idempotency-Key header a repeat answers the first answer (422 when the body differs); 409 when egov:uniqueBusinessKey and the key is taken")
            .Produces<ProcessInstanceDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(RequestBodies.Start));
    }

    /// <summary>A start under an Idempotency-Key: the first answer again for a repeat, 422 for another request under the key.</summary>
    private static IResult StartIdempotent(HttpContext http, TenantEngine t, string processId, StartRequest? body, string key)
    {
        var requests = http.RequestServices.GetRequiredService<IdempotentRequests>();
        var hash = IdempotentRequests.Hash($"start {processId}", System.Text.Json.JsonSerializer.Serialize(body ?? new StartRequest(null, null), System.Text.Json.JsonSerializerOptions.Web));
        if (requests.Find(t.TenantId, key) is { } first)
        {
            if (first.RequestHash != hash) throw IdempotentRequests.Mismatch(first);
            http.Response.Headers[IdempotentRequests.ReplayedHeader] = "true";
            if (first.Response is { } answer)
                return Results.Content(answer, "application/json", System.Text.Encoding.UTF8, first.StatusCode ?? StatusCodes.Status201Created);
            var again = t.Engine.GetInstance(first.ResourceId!);
            return Results.Created($"/api/process-instances/{again.Id}", ProcessInstanceDto.From(again, again.ProcessId));
        }
        string id;
        CheckOpenCases(http, t); // after the replay: a repeat of a start that was admitted is answered even at the quota
        try
        {
            id = t.Engine.StartProcessAs(IdempotentRequests.InstanceId(t.TenantId, key), processId, body?.Variables, body?.BusinessKey, http.Caller().Id, ApplicationDate(body));
        }
        catch (Runtime.InstanceExistsException e) when (e.BusinessKey is null && e.InstanceId is { } existing)
        {
            // Started under this key before, its answer not recorded (the node died after the commit, or a repeat raced the first).
            http.Response.Headers[IdempotentRequests.ReplayedHeader] = "true";
            var started = t.Engine.GetInstance(existing);
            return Results.Created($"/api/process-instances/{existing}", ProcessInstanceDto.From(started, started.ProcessId));
        }
        var view = t.Engine.GetInstance(id);
        var dto = ProcessInstanceDto.From(view, view.ProcessId);
        var json = System.Text.Json.JsonSerializer.Serialize(dto, System.Text.Json.JsonSerializerOptions.Web);
        try { requests.Save(t.TenantId, new Persistence.IdempotencyRecord(key, $"start {processId}", hash, id, StatusCodes.Status201Created, json, IdempotentRequests.Now)); }
        catch (Exception e) when (Persistence.Faults.StorageFaults.IsStorageFault(e)) { } // the instance was started; a repeat finds it by its id
        http.Response.Headers.Location = $"/api/process-instances/{id}";
        return Results.Content(json, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status201Created);
    }

    /// <summary>The start's application date: YYYY-MM-DD, else 400; null: today.</summary>
    private static NodaTime.LocalDate? ApplicationDate(StartRequest? body)
    {
        if (body?.ApplicationDate is not { } text) return null;
        var parsed = NodaTime.Text.LocalDatePattern.Iso.Parse(text.Trim());
        return parsed.Success ? parsed.Value : throw ApiProblemException.BadRequest($"applicationDate '{text}' is not a date", "applicationDate: YYYY-MM-DD");
    }

    /// <summary>
    /// A tenant's quota of process versions (issue 20, item 6): one municipality deploying in a loop must not fill the node's
    /// memory and database for everyone. Refused before anything is read into the catalogue.
    /// </summary>
    /// <summary>The tenant's deployment quotas (versions and model bytes) for a deployment of these files.</summary>
    internal static void CheckQuotas(HttpContext http, TenantEngine tenant, IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        var options = http.RequestServices.GetRequiredService<ServeOptions>();
        CheckQuota(tenant, options.MaxProcessVersionsPerTenant);
        CheckSizeQuota(tenant, files.Sum(f => (long)f.Bytes.Length), options.MaxDeploymentBytesPerTenant);
    }

    /// <summary>Counts the new versions' model size (where no store counts it).</summary>
    internal static void Counted(TenantEngine tenant, IReadOnlyList<(string Name, byte[] Bytes)> files, IReadOnlyList<DeployedDefinition> deployed)
    {
        var sizes = files.GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Last().Bytes.Length, StringComparer.Ordinal);
        tenant.CountDeployed(deployed.Select(d => (d.ProcessId, d.Version, sizes.GetValueOrDefault(d.File))));
    }

    internal static void CheckQuota(TenantEngine tenant, int maxVersions)
    {
        var held = tenant.Catalog.All().Count;
        if (held >= maxVersions)
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "Quota exceeded",
                $"tenant '{tenant.TenantId}' holds {held} process versions, its quota is {maxVersions}; nothing was deployed",
                new Dictionary<string, object?> { ["quota"] = "processVersions", ["limit"] = maxVersions, ["used"] = held });
    }

    /// <summary>
    /// A tenant's quota of model bytes (issue 20, item 6): twenty 7 MB models once kept 3.45 GB resident. Refused before the
    /// models are parsed; the figures say how much is held and how much the request brings.
    /// </summary>
    internal static void CheckSizeQuota(TenantEngine tenant, long incoming, long maxBytes)
    {
        var held = tenant.DeployedSize;
        if (held + incoming > maxBytes)
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "Quota exceeded",
                $"tenant '{tenant.TenantId}' holds {held:N0} bytes of models, this deployment brings {incoming:N0}, its quota is {maxBytes:N0}; nothing was deployed (delete versions no case ran on: DELETE /api/process-definitions/{{id}}/versions/{{v}})",
                new Dictionary<string, object?> { ["quota"] = "deploymentBytes", ["limit"] = maxBytes, ["used"] = held, ["requested"] = incoming });
    }

    /// <summary>
    /// A tenant's quota of open cases (issue 20, item 6): starts beyond it are refused with 409 until cases end, so one
    /// municipality's runaway client cannot fill the database for all.
    /// </summary>
    internal static void CheckOpenCases(HttpContext http, TenantEngine tenant)
    {
        var max = http.RequestServices.GetRequiredService<ServeOptions>().MaxOpenInstancesPerTenant;
        var open = tenant.OpenCases();
        if (open >= max)
            throw new ApiProblemException(StatusCodes.Status409Conflict, "Quota exceeded",
                $"tenant '{tenant.TenantId}' has {open:N0} open cases, its quota is {max:N0}; nothing was started (cases must end first, or the quota be raised)",
                new Dictionary<string, object?> { ["quota"] = "openInstances", ["limit"] = max, ["used"] = open });
    }

    /// <summary>
    /// A shared model deployed to the default tenant: every tenant's overlay of its service is merged with it again and
    /// deployed (issue 16 item 4; <see cref="Catalogue.TenantOverlays.SharedDeployed"/>), the rows in GET /api/services/overlays.
    /// </summary>
    internal static void RedeployOverlays(HttpContext http, TenantEngine tenant, IReadOnlyList<(string Name, byte[] Bytes)> files, IReadOnlyList<DeployedDefinition> deployed)
    {
        if (http.RequestServices.GetService<Catalogue.TenantOverlays>() is { } overlays)
            overlays.SharedDeployed(http.RequestServices.GetRequiredService<TenantEngines>(), tenant, files, deployed, http.Caller().Id);
    }

    private static async Task<IResult> Deploy(HttpContext http)
    {
        var tenant = http.Tenant();
        var request = http.Request;
        var files = new List<(string, byte[])>();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(http.RequestAborted);
            foreach (var f in form.Files)
            {
                if (f.Length > MaxModelBytes) throw ApiProblemException.BadRequest($"{f.FileName}: larger than {MaxModelBytes / 1024 / 1024} MiB", RequestBodies.Deployment);
                using var ms = new MemoryStream();
                await f.CopyToAsync(ms, http.RequestAborted);
                files.Add((string.IsNullOrEmpty(f.FileName) ? f.Name : Path.GetFileName(f.FileName), ms.ToArray()));
            }
        }
        else if (request.ContentType is { } ct && (ct.Contains("xml", StringComparison.OrdinalIgnoreCase) || ct.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)))
        {
            using var ms = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = await request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                ms.Write(buffer, 0, n);
                if (ms.Length > MaxModelBytes) throw ApiProblemException.BadRequest($"the model is larger than {MaxModelBytes / 1024 / 1024} MiB", RequestBodies.Deployment);
            }
            var name = request.Query["name"].ToString();
            files.Add((string.IsNullOrWhiteSpace(name) ? "request.bpmn" : Path.GetFileName(name), ms.ToArray()));
        }
        else
            throw ApiProblemException.BadRequest($"Content-Type '{request.ContentType ?? "(none)"}' cannot carry a model", RequestBodies.Deployment);
        if (files.Count == 0 || files.All(f => f.Item2.Length == 0))
            throw ApiProblemException.BadRequest("no model in the request", RequestBodies.Deployment);
        CheckQuotas(http, tenant, files);
        var (deployed, decisions) = ModelDeployer.DeployAll(tenant, files, http.Caller().Id);
        Counted(tenant, files, deployed);
        RedeployOverlays(http, tenant, files, deployed);
        // Decision files alone answer their decisions; with processes, the processes (the decisions are deployed too).
        if (deployed.Count == 0 && decisions.Count > 0)
            return Results.Created("/api/decision-definitions", decisions.Select(d => DecisionDefinitionDto.From(d, true)).ToList());
        return Results.Created("/api/process-definitions", deployed.Select(d => ProcessDefinitionDto.From(d, true)).ToList());
    }
}
