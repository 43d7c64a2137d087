namespace EGov.Workflows.Runtime.Graph;

/// <summary>What the API shows of a deployed graph.</summary>
internal static class ProcessGraphViews
{
    public static DeployedProcess Deployed(ProcessGraph g) => new(g.ProcessId, g.ProcessName, g.Version, g.File, g.Properties)
    {
        ValidFrom = g.ValidFrom, ValidTo = g.ValidTo, LegalBasis = g.LegalBasis,
    };

    /// <summary>The same from a version's outline (no graph needed).</summary>
    public static DeployedProcess Deployed(DeployedVersion v) => new(v.ProcessId, v.Outline.Name, v.Version, v.File, v.Outline.Properties)
    {
        ValidFrom = v.Outline.ValidFrom, ValidTo = v.Outline.ValidTo, LegalBasis = v.Outline.LegalBasis,
    };
}
