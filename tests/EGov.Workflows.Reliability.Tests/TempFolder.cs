namespace EGov.Workflows.Reliability.Tests;

/// <summary>A folder under the temp directory for one test's database files and processes; deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "egov-reliability", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A processes folder with the named models of this project (what <c>egov serve --processes</c> deploys).</summary>
    public string Processes(params string[] models)
    {
        var dir = System.IO.Path.Combine(Path, "processes");
        Directory.CreateDirectory(dir);
        foreach (var m in models) File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "Models", m), System.IO.Path.Combine(dir, m), overwrite: true);
        return dir;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
