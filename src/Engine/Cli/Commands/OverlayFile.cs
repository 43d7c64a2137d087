using EGov.Workflows.Catalogue.Overlays;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// Checks one overlay (<c>tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml</c>): against docs/overlay.schema.json, then
/// against its shared model (<c>processes/&lt;service&gt;/</c> beside the tenants folder, or <c>--processes DIR</c>) by the
/// merge the server does at deploy — every element, group, path, Frist, input parameter, form and form field it names must
/// exist there. Every problem at the overlay's line and column.
/// </summary>
internal static class OverlayFile
{
    public static IReadOnlyList<Diagnostic> Check(string path, string? processesDirectory)
    {
        var read = OverlayReader.ReadFile(path);
        if (read.Overlay is not { } overlay) return read.Diagnostics;
        var tenantsDirectory = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(path)))!;
        var processes = processesDirectory ?? Path.Combine(Path.GetDirectoryName(tenantsDirectory) ?? ".", "processes");
        var folder = Path.Combine(processes, overlay.Service);
        if (!Directory.Exists(folder))
            return [.. read.Diagnostics, new Diagnostic(path, new SourcePosition(1, 1), Severity.Error,
                $"there is no shared service '{overlay.Service}': {folder}/ does not exist (the overlay's file name names the service folder under processes/; --processes DIR names another processes folder)")];
        // The same files and the same fit check as the server (Host.Catalogue.TenantOverlays), so validate says what deploy will.
        var files = Host.Catalogue.TenantOverlays.SharedFiles(folder);
        return [.. read.Diagnostics, .. OverlayMerger.Check(overlay, SharedService.Read(files)).Problems];
    }
}
