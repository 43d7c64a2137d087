using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

[assembly: ActivityPack("EgovPack")]

namespace EgovPack;

/// <summary>
/// An example activity: greets the applicant by name, or says that a name is missing (a BPMN error the model handles).
/// Bound in BPMN by <c>egov:activity="egov-pack-begruessen"</c>. Replace it with your own; keep one class per activity.
/// </summary>
[Activity("egov-pack-begruessen", Description = "Begrüßt die antragstellende Person")]
public sealed class Begruessen(ILogger<Begruessen> logger, IOptions<EgovPackOptions> options) : WorkflowActivity
{
    public override IReadOnlyList<ActivityParameter> Inputs =>
        [new("name", ActivityValueType.String, Required: true, Description: "Name der antragstellenden Person")];

    public override IReadOnlyList<ActivityParameter> Outputs =>
        [new("gruss", ActivityValueType.String, Description: "Die Begrüßung")];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.GetString("name");
        if (string.IsNullOrWhiteSpace(name))
            return Task.FromResult(ActivityResult.BpmnError("NAME_FEHLT", "Der Antrag nennt keinen Namen"));
        if (logger.IsEnabled(LogLevel.Debug)) logger.LogDebug("Begrüßung für {Instance}", context.ProcessInstanceId);
        return Task.FromResult(ActivityResult.Complete(new JsonObject { ["gruss"] = $"{options.Value.Anrede}, {name.Trim()}!" }));
    }
}
