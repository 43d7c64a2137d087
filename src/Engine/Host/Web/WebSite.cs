using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace EGov.Workflows.Host.Web;

/// <summary>
/// The built web pages (src/Designer, built by <c>./egov</c> into <c>.egov/web</c>): one HTML file per page under
/// <c>pages/</c>, everything they load under <c>assets/</c> (content-hashed names). Files are looked up through a
/// physical file provider, which refuses paths that leave the folder.
/// </summary>
public sealed class WebSite : IDisposable
{
    private readonly PhysicalFileProvider? files;
    private readonly FileExtensionContentTypeProvider contentTypes = new();

    public WebSite(string? directory)
    {
        Directory = directory is null ? null : Path.GetFullPath(directory);
        if (Directory is not null && System.IO.Directory.Exists(Path.Combine(Directory, "pages")))
            files = new PhysicalFileProvider(Directory);
    }

    /// <summary>The folder the pages are served from (null: none configured).</summary>
    public string? Directory { get; }

    /// <summary>Whether a build is there to serve.</summary>
    public bool IsBuilt => files is not null;

    /// <summary>The folder <c>./egov</c> builds into: <c>.egov/web</c>, beside the CLI's own <c>.egov/bin</c>.</summary>
    public static string DefaultDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "web"));

    /// <summary>A page's HTML file (<c>pages/NAME.html</c>), or null.</summary>
    public IFileInfo? Page(string name) => Find($"pages/{name}.html");

    /// <summary>A built asset (<c>assets/PATH</c>), or null for anything missing, hidden or outside the folder.</summary>
    public IFileInfo? Asset(string path) =>
        path.Length == 0 || path.Contains('\\') || path.Split('/').Any(s => s.Length == 0 || s[0] == '.') ? null : Find($"assets/{path}");

    public string ContentType(string name) =>
        contentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    public void Dispose() => files?.Dispose();

    private IFileInfo? Find(string path)
    {
        if (files is null) return null;
        var file = files.GetFileInfo(path);
        return file.Exists && !file.IsDirectory && file.PhysicalPath is not null ? file : null;
    }
}
