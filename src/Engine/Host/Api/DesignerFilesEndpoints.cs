using System.Text.Json.Nodes;
using EGov.Workflows.Host.Designer;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// What the designer needs beside the model: the Camunda element templates of the custom activities the tenant's engine
/// has (generated from their SDK declarations), and the user-task forms a deployed version carries (to open them in the
/// form editor). Every route needs <see cref="Permission.Deploy"/>, as the rest of the designer.
/// </summary>
internal static class DesignerFilesEndpoints
{
    public static void MapDesignerFiles(this RouteGroupBuilder api)
    {
        api.MapGet("/designer/element-templates", (HttpContext http) =>
                Results.Json(ElementTemplates.For(http.Tenant().Engine.Options.Activities)))
            .WithName("GetDesignerElementTemplates").RequirePermission(Permission.Deploy)
            .WithSummary("Camunda 7 element templates (JSON array, the schema of @camunda/element-templates-json-schema) for the custom activities the tenant's engine has, generated from their SDK declarations: egov:activity, an input parameter per declared input, an output parameter per declared output")
            .Produces<JsonArray>();

        api.MapGet("/designer/{processId}/versions/{version}/forms", (HttpContext http, string processId, string version) =>
            {
                var t = http.Tenant();
                var found = int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                    ? t.Definition(processId, v) : null;
                if (found?.Definitions is not { } definitions)
                    throw ApiProblemException.NotFound($"process definition '{processId}' version '{version}' is not deployed for tenant '{t.TenantId}'");
                var forms = new JsonObject();
                foreach (var key in FormKeys(definitions, processId))
                    if (Forms.FormCatalog.FileName(key) is { } name && !forms.ContainsKey(name) && t.Forms.Find(processId, v, key) is { } form)
                        forms[name] = form;
                return Results.Json(new JsonObject { ["processId"] = processId, ["version"] = v, ["forms"] = forms });
            })
            .WithName("GetDesignerVersionForms").RequirePermission(Permission.Deploy)
            .WithSummary("The form-js forms a deployed version carries, by file name (`egov:forms/antrag` → `antrag.form`), for the designer's form editor; 404 for an unknown process or version")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/designer/{processId}/versions/{version}/scenarios", (HttpContext http, string processId, string version) =>
            {
                var (t, v, _) = Version(http, processId, version);
                var scenarios = new JsonObject();
                foreach (var (file, yaml) in DesignerEndpoints.DeployedScenarios(http).Find(t.TenantId, processId, v)) scenarios[file] = yaml;
                return Results.Json(new JsonObject { ["processId"] = processId, ["version"] = v, ["scenarios"] = scenarios });
            })
            .WithName("GetDesignerVersionScenarios").RequirePermission(Permission.Deploy)
            .WithSummary("The scenarios written or recorded in the designer that were deployed with a version, by file name (NAME.scenario.yaml → its YAML), to open and run them again (POST /api/designer/{id}/scenarios with {version}); 404 for an unknown process or version")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/designer/{processId}/versions/{version}/files", (HttpContext http, string processId, string version) =>
            {
                var (t, v, definitions) = Version(http, processId, version);
                var model = DesignerEndpoints.FileName(t, processId);
                var folder = ServiceFolder(t, processId, v);
                using var buffer = new MemoryStream();
                using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
                {
                    Add(zip, $"{folder}/{model}", Bpmn.Writing.BpmnWriter.WriteString(definitions));
                    var written = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var key in FormKeys(definitions, processId).Concat(StartFormKeys(definitions, processId)).Distinct(StringComparer.Ordinal))
                        if (Forms.FormCatalog.FileName(key) is { } name && written.Add(name) && t.Forms.Find(processId, v, key) is { } form)
                            Add(zip, $"{folder}/forms/{name}", form.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
                    foreach (var (file, yaml) in DesignerEndpoints.DeployedScenarios(http).Find(t.TenantId, processId, v))
                        Add(zip, $"{folder}/scenarios/{file}", yaml);
                }
                return Results.File(buffer.ToArray(), "application/zip", $"{folder}-v{v}.zip");
            })
            .WithName("GetDesignerVersionFiles").RequirePermission(Permission.Deploy)
            .WithSummary("The service folder of a deployed version as a zip, to commit under processes/<service>/: the model (as the engine writes it), forms/NAME.form for the forms its user tasks and start event name, and scenarios/NAME.scenario.yaml for the scenarios deployed with it (their deploy: [../model.bpmn] fits the folder). The server never writes into processes/ itself. 404 for an unknown process or version")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static (TenantEngine Tenant, int Version, Model.Definitions Definitions) Version(HttpContext http, string processId, string version)
    {
        var t = http.Tenant();
        var found = int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? t.Definition(processId, v) : null;
        if (found?.Definitions is not { } definitions)
            throw ApiProblemException.NotFound($"process definition '{processId}' version '{version}' is not deployed for tenant '{t.TenantId}'");
        return (t, v, definitions);
    }

    /// <summary>The service folder's name: the folder under processes/ the version came from, else the model file's name.</summary>
    private static string ServiceFolder(TenantEngine t, string processId, int version)
    {
        var file = t.Catalog.Find(processId, version)?.File ?? DesignerEndpoints.FileName(t, processId);
        var parent = Path.GetFileName(Path.GetDirectoryName(file) ?? "");
        var name = !string.IsNullOrEmpty(parent) && Path.IsPathRooted(file) ? parent : Path.GetFileNameWithoutExtension(Path.GetFileName(file));
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).Trim('.');
        return safe.Length == 0 ? "prozess" : safe;
    }

    private static void Add(System.IO.Compression.ZipArchive zip, string path, string text)
    {
        var entry = zip.CreateEntry(path, System.IO.Compression.CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(new System.Text.UTF8Encoding(false).GetBytes(text));
    }

    private static IEnumerable<string> StartFormKeys(Model.Definitions model, string processId) =>
        model.Processes.Where(p => p.Id == processId).SelectMany(p => p.Descendants())
            .Where(e => e.Name.LocalName == "startEvent").Select(e => e.CamundaAttribute("formKey")).OfType<string>();

    internal static IEnumerable<string> FormKeys(Model.Definitions model, string processId) =>
        model.Processes.Where(p => p.Id == processId).SelectMany(p => p.Descendants())
            .Where(e => e.Name.LocalName == "userTask").Select(e => e.CamundaAttribute("formKey")).OfType<string>().Distinct(StringComparer.Ordinal);
}
