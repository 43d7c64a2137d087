namespace EGov.Workflows.Runtime.Graph;

/// <summary>What the API shows of a deployed graph.</summary>
internal static class ProcessGraphViews
{
    public static DeployedProcess Deployed(ProcessGraph g) => new(g.ProcessId, g.ProcessName, g.Version, g.File, g.Properties)
    {
        ValidFrom = g.ValidFrom, ValidTo = g.ValidTo, LegalBasis = g.LegalBasis,
    };
}
