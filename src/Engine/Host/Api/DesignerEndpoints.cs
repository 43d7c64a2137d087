using System.Text;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Designer;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Designer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// The designer's API (the page <c>/designer/{processId}</c>): the signed-in analyst's draft of a process (kept on the
/// server per person and process), the server's check of a model (<c>egov validate --executable</c>, problems with
/// positions and element ids), and "Bereitstellen": deploy the draft as version n+1 with a change note and its author —
/// refused with the same problem list when it does not validate. Every route needs <see cref="Permission.Deploy"/>.
/// </summary>
internal static class DesignerEndpoints
{
    /// <summary>A model larger than this is no draft (the deployment endpoint's limit).</summary>
    internal const int MaxModelChars = 8 * 1024 * 1024;
    internal const int MaxNoteChars = 2000;
    private const string DraftBody = "{\"xml\": string (BPMN 2.0 XML), \"basedOnVersion\": int (optional: the deployed version it was opened from), " +
                                     "\"forms\": {\"NAME.form\": form-js JSON object} (optional: default the draft's), \"scenarios\": {\"NAME.scenario.yaml\": string} (optional: default the draft's)}";
    private const string CheckBody = "{\"xml\": string (BPMN 2.0 XML; optional: the caller's draft)}";
    private const string ScenarioBody = "{\"xml\": string (BPMN 2.0 XML; optional: the caller's draft), \"scenarios\": {\"NAME.scenario.yaml\": string} (optional: default the draft's), \"only\": string (optional: run this one file only), " +
                                        "\"version\": int (optional, without xml and scenarios: run a deployed version's model with the scenarios deployed with it)}";
    private const string DeployBody = "{\"changeNote\": string (1–2000 characters: what changed), \"xml\": string (optional: default the caller's draft), " +
                                      "\"forms\": {\"NAME.form\": form-js JSON object} (optional: default the draft's), \"scenarios\": {\"NAME.scenario.yaml\": string} (optional: default the draft's)}";

    public static void MapDesignerEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/designer/{processId}/draft", (HttpContext http, string processId) =>
            {
                var t = http.Tenant();
                var draft = Drafts(http).Find(t.TenantId, processId, http.Caller().Id)
                    ?? throw ApiProblemException.NotFound($"'{http.Caller().Id}' has no draft of process '{processId}'");
                return Results.Ok(DraftDto.From(draft));
            })
            .WithName("GetDesignerDraft").RequirePermission(Permission.Deploy)
            .WithSummary("The signed-in caller's draft of a process (each person has their own); 404 when there is none")
            .Produces<DraftDto>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut("/designer/{processId}/draft", (HttpContext http, string processId, DraftRequest? body) =>
            {
                var t = http.Tenant();
                var xml = RequireXml(body?.Xml, DraftBody);
                var check = ModelCheck.Run(t, xml, FileName(t, processId), executable: false);
                // Only a model the reader accepts is kept (not BPMN, hostile, broken references: nothing saved).
                if (check.HasErrors) throw Refused(check, "Draft not saved", "the model cannot be read; nothing was saved");
                RequireProcess(check, processId);
                var before = Drafts(http).Find(t.TenantId, processId, http.Caller().Id);
                var forms = body!.Forms is null ? before?.Forms : DraftFiles.Forms(body.Forms);
                var scenarios = body.Scenarios is null ? before?.Scenarios : DraftFiles.Scenarios(body.Scenarios, DraftScenarios.Folder(Processes(http), processId, FileName(t, processId)));
                var draft = new DesignerDraft(processId, http.Caller().Id, xml, body.BasedOnVersion, SystemClock.Instance.GetCurrentInstant(), forms, scenarios);
                Drafts(http).Save(t.TenantId, draft);
                return Results.Ok(DraftDto.From(draft));
            })
            .WithName("SaveDesignerDraft").RequirePermission(Permission.Deploy)
            .WithSummary("Keeps the caller's draft of a process (replacing the one before); 422 with the reader's positioned problems, nothing saved, when the model cannot be read or holds no process of this id")
            .Produces<DraftDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(DraftBody));

        api.MapDelete("/designer/{processId}/draft", (HttpContext http, string processId) =>
            {
                var t = http.Tenant();
                if (!Drafts(http).Delete(t.TenantId, processId, http.Caller().Id))
                    throw ApiProblemException.NotFound($"'{http.Caller().Id}' has no draft of process '{processId}'");
                return Results.NoContent();
            })
            .WithName("DeleteDesignerDraft").RequirePermission(Permission.Deploy)
            .WithSummary("Discards the caller's draft of a process; 404 when there is none")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/designer/{processId}/validate", (HttpContext http, string processId, CheckRequest? body) =>
            {
                var t = http.Tenant();
                var xml = body?.Xml ?? DraftXml(http, t, processId);
                var check = ModelCheck.Run(t, xml, FileName(t, processId));
                return Results.Ok(new ValidationDto(!check.HasErrors, check.Problems));
            })
            .WithName("ValidateDesignerModel").RequirePermission(Permission.Deploy)
            .WithSummary("Checks a model (or the caller's draft) as `egov validate --executable` does: every problem with line, column, severity and the element it concerns")
            .Produces<ValidationDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(new ExpectedBody(CheckBody));

        api.MapPost("/designer/{processId}/deploy", (HttpContext http, string processId, DeployRequest? body) =>
            {
                var t = http.Tenant();
                var note = body?.ChangeNote?.Trim();
                if (string.IsNullOrEmpty(note) || note.Length > MaxNoteChars)
                    throw ApiProblemException.BadRequest($"changeNote must say what changed in 1 to {MaxNoteChars} characters", DeployBody);
                var xml = body!.Xml ?? DraftXml(http, t, processId);
                var file = FileName(t, processId);
                var check = ModelCheck.Run(t, xml, file);
                if (check.HasErrors) throw Refused(check, "Model cannot be deployed", "the model does not validate; nothing was deployed");
                RequireProcess(check, processId);
                var latest = t.Catalog.Latest(processId);
                var before = latest?.Version ?? 0;
                if (latest?.Definitions is { } current && Unchanged(current, check.Definitions!))
                    throw ApiProblemException.Conflict($"the model is unchanged from version {before}: nothing was deployed");
                var files = new List<(string, byte[])> { (file, Encoding.UTF8.GetBytes(xml)) };
                var ownDraft = body.Xml is null ? Drafts(http).Find(t.TenantId, processId, http.Caller().Id) : null;
                var edited = body.Forms is not null ? DraftFiles.Forms(body.Forms) : ownDraft?.Forms;
                // The scenarios written or recorded with the draft stay with the version (checked before anything is deployed).
                var scenarios = body.Scenarios is not null
                    ? DraftFiles.Scenarios(body.Scenarios, DraftScenarios.Folder(Processes(http), processId, file))
                    : ownDraft?.Scenarios ?? new Dictionary<string, string>();
                files.AddRange(FormsOf(t, processId, before, check.Definitions!, edited));
                DefinitionEndpoints.CheckQuotas(http, t, files);
                // A durable store keeps the scenarios in the version's own transaction (a failure leaves no version).
                var (deployed, _) = ModelDeployer.DeployWithScenarios(t, files, http.Caller().Id, note, processId, scenarios);
                DefinitionEndpoints.Counted(t, files, deployed);
                DefinitionEndpoints.RedeployOverlays(http, t, files, deployed);
                var version = deployed.FirstOrDefault(d => d.ProcessId == processId)
                    ?? throw new ApiProblemException(422, "Model cannot be deployed", $"the model holds no executable process '{processId}'");
                if (version.Version <= before)
                    throw ApiProblemException.Conflict($"the model is unchanged from version {version.Version}: nothing was deployed");
                if (!t.KeepsScenarios) DeployedScenarios(http).Save(t.TenantId, processId, version.Version, scenarios); // in memory: nothing to share a transaction with
                Drafts(http).Delete(t.TenantId, processId, http.Caller().Id); // the deployed version supersedes the draft
                return Results.Created($"/api/processes/{Uri.EscapeDataString(processId)}", ProcessDefinitionDto.From(version, true));
            })
            .WithName("DeployDesignerModel").RequirePermission(Permission.Deploy)
            .WithSummary("Bereitstellen: deploys the caller's draft (or the given model) as version n+1 with the change note and the caller as author, keeps the draft's forms and scenarios with it, and discards the caller's draft; 422 with the validation's positioned problems when it does not validate, 409 when it is unchanged")
            .Produces<ProcessDefinitionDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(DeployBody));

        MapScenarios(api);
        api.MapDesignerFiles();
    }

    internal static string? Processes(HttpContext http) => http.RequestServices.GetRequiredService<ServeOptions>().ProcessesDirectory;

    /// <summary>Whether two models write the same (as the durable store's version numbering compares them).</summary>
    private static bool Unchanged(Model.Definitions a, Model.Definitions b) =>
        Persistence.Deployments.DurableDeployments.ContentHash(Bpmn.Writing.BpmnWriter.WriteString(a)) ==
        Persistence.Deployments.DurableDeployments.ContentHash(Bpmn.Writing.BpmnWriter.WriteString(b));

    private static void MapScenarios(RouteGroupBuilder api) =>
        api.MapPost("/designer/{processId}/scenarios", (HttpContext http, string processId, ScenarioRequest? body) =>
            {
                var t = http.Tenant();
                if (body?.Version is { } deployed && body.Xml is null && body.Scenarios is null)
                {
                    // A deployed version again: its model with the scenarios deployed with it (and those under processes/).
                    var definition = t.Definition(processId, deployed)?.Definitions
                        ?? throw ApiProblemException.NotFound($"process definition '{processId}' version {deployed} is not deployed for tenant '{t.TenantId}'");
                    var ran = DraftScenarios.Run(Processes(http), processId, Bpmn.Writing.BpmnWriter.WriteString(definition),
                        DeployedScenarios(http).Find(t.TenantId, processId, deployed), body.Only, FileName(t, processId));
                    if (body.Only is { } one && ran.Count == 0) throw ApiProblemException.NotFound($"there is no scenario '{one}' of process '{processId}'");
                    return Results.Ok(new ScenarioRunDto(ran, ran.Count(r => r.Passed), ran.Count(r => !r.Passed)));
                }
                var draft = body?.Xml is null || body.Scenarios is null ? Drafts(http).Find(t.TenantId, processId, http.Caller().Id) : null;
                var xml = body?.Xml ?? draft?.BpmnXml
                    ?? throw ApiProblemException.NotFound($"'{http.Caller().Id}' has no draft of process '{processId}': send the model as xml");
                RequireXml(xml, ScenarioBody);
                var file = FileName(t, processId);
                var written = body?.Scenarios is { } given
                    ? DraftFiles.Scenarios(given, DraftScenarios.Folder(Processes(http), processId, file))
                    : draft?.Scenarios;
                var results = DraftScenarios.Run(Processes(http), processId, xml, written, body?.Only, file);
                if (body?.Only is { } only && results.Count == 0) throw ApiProblemException.NotFound($"there is no scenario '{only}' of process '{processId}'");
                return Results.Ok(new ScenarioRunDto(results, results.Count(r => r.Passed), results.Count(r => !r.Passed)));
            })
            .WithName("RunDesignerScenarios").RequirePermission(Permission.Deploy)
            .WithSummary("Szenarien ausführen: runs the process's scenarios (processes/<service>/scenarios/*.scenario.yaml) and those written with the draft against the given model or the caller's draft, in memory on a virtual clock; each with passed or the failing step")
            .Produces<ScenarioRunDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new ExpectedBody(ScenarioBody));

    internal static IDesignerDraftStore Drafts(HttpContext http) => http.RequestServices.GetRequiredService<IDesignerDraftStore>();

    internal static IDeployedScenarioStore DeployedScenarios(HttpContext http) => http.RequestServices.GetRequiredService<IDeployedScenarioStore>();

    internal static string RequireXml(string? xml, string shape)
    {
        if (string.IsNullOrWhiteSpace(xml)) throw ApiProblemException.BadRequest("xml is missing: the BPMN 2.0 model as text", shape);
        if (xml.Length > MaxModelChars) throw ApiProblemException.BadRequest($"the model is larger than {MaxModelChars / 1024 / 1024} MiB", shape);
        return xml;
    }

    internal static string DraftXml(HttpContext http, TenantEngine t, string processId) =>
        Drafts(http).Find(t.TenantId, processId, http.Caller().Id)?.BpmnXml
        ?? throw ApiProblemException.NotFound($"'{http.Caller().Id}' has no draft of process '{processId}': send the model as xml");

    /// <summary>The file name versions of the process are deployed under (messages name it), e.g. <c>anwohnerparkausweis.bpmn</c>.</summary>
    internal static string FileName(TenantEngine t, string processId) =>
        t.Catalog.Latest(processId) is { File.Length: > 0 } latest ? Path.GetFileName(latest.File) : $"{processId}.bpmn";

    internal static ApiProblemException Refused(ModelCheckResult check, string title, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, title, $"{detail}: {check.Problems.Count(p => p.Severity == "error")} problem(s)",
            new Dictionary<string, object?>
            {
                ["errors"] = check.Problems.Where(p => p.Severity == "error").Select(p => p.Text).ToList(),
                ["problems"] = check.Problems,
            });

    internal static void RequireProcess(ModelCheckResult check, string processId)
    {
        if (check.Definitions!.Processes.Any(p => p.Id == processId)) return;
        var found = string.Join(", ", check.Definitions.Processes.Select(p => p.Id ?? "(no id)"));
        throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "Wrong process",
            $"the model holds no process '{processId}' (it holds: {(found.Length == 0 ? "none" : found)}); nothing was saved");
    }

    /// <summary>The form-js forms of the version the draft follows, for the user tasks of the new model that name them (they stay with v n+1).</summary>
    private static IEnumerable<(string, byte[])> FormsOf(TenantEngine t, string processId, int version, Model.Definitions model,
        IReadOnlyDictionary<string, string>? edited)
    {
        var keys = model.Processes.Where(p => p.Id == processId).SelectMany(p => p.Descendants())
            .Where(e => e.Name.LocalName == "userTask").Select(e => e.CamundaAttribute("formKey")).OfType<string>().Distinct(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // A form edited with the draft wins; else the form of the version the draft follows stays with the new one.
        // Edited forms no user task names are left out (a deployment refuses a form nobody uses).
        foreach (var key in keys)
            if (Forms.FormCatalog.FileName(key) is { } name && seen.Add(name))
            {
                if (edited is not null && edited.TryGetValue(name, out var text)) yield return (name, Encoding.UTF8.GetBytes(text));
                else if (version > 0 && t.Forms.Find(processId, version, key) is { } form) yield return (name, Encoding.UTF8.GetBytes(form.ToJsonString()));
            }
    }
}

/// <summary>A designer draft as the API answers it.</summary>
public sealed record DraftDto(string ProcessId, string Owner, string Xml, int? BasedOnVersion, DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> Forms, IReadOnlyDictionary<string, string> Scenarios)
{
    public static DraftDto From(DesignerDraft d) => new(d.ProcessId, d.Owner, d.BpmnXml, d.BasedOnVersion, d.UpdatedAt.ToDateTimeOffset(),
        (d.Forms ?? new Dictionary<string, string>()).ToDictionary(f => f.Key, f => System.Text.Json.Nodes.JsonNode.Parse(f.Value), StringComparer.Ordinal),
        d.Scenarios ?? new Dictionary<string, string>());
}

public sealed record DraftRequest(string? Xml, int? BasedOnVersion, Dictionary<string, System.Text.Json.Nodes.JsonNode?>? Forms = null, Dictionary<string, string?>? Scenarios = null);
public sealed record CheckRequest(string? Xml);
public sealed record ScenarioRequest(string? Xml, Dictionary<string, string?>? Scenarios = null, string? Only = null, int? Version = null);
public sealed record DeployRequest(string? ChangeNote, string? Xml, Dictionary<string, System.Text.Json.Nodes.JsonNode?>? Forms = null,
    Dictionary<string, string?>? Scenarios = null);

/// <summary>The scenarios of a process run against a draft.</summary>
public sealed record ScenarioRunDto(IReadOnlyList<DraftScenarioResult> Results, int Passed, int Failed);

/// <summary>The server's check of a model: valid when it has no error; every problem with its position and element.</summary>
public sealed record ValidationDto(bool Valid, IReadOnlyList<ModelProblem> Problems);
