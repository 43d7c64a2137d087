namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>The web component <c>&lt;egov-status&gt;</c> (egov-status.js, embedded in this assembly), served at <c>/status/egov-status.js</c>.</summary>
internal static class StatusComponent
{
    public static readonly string Script = Load();

    private static string Load()
    {
        using var stream = typeof(StatusComponent).Assembly.GetManifestResourceStream("egov-status.js")
            ?? throw new InvalidOperationException("the resource egov-status.js is missing from the host assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
