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
    }

    internal static IEnumerable<string> FormKeys(Model.Definitions model, string processId) =>
        model.Processes.Where(p => p.Id == processId).SelectMany(p => p.Descendants())
            .Where(e => e.Name.LocalName == "userTask").Select(e => e.CamundaAttribute("formKey")).OfType<string>().Distinct(StringComparer.Ordinal);
}
