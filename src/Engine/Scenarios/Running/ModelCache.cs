using System.Collections.Concurrent;
using EGov.Workflows.Bpmn.Reading;

namespace EGov.Workflows.Scenarios.Running;

/// <summary>Reads each model file once per run (many scenarios deploy the same model); the model is immutable, so it is shared.</summary>
public sealed class ModelCache
{
    private readonly ConcurrentDictionary<string, (DateTime Written, BpmnReadResult Result)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _overrides = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads <paramref name="xml"/> wherever a scenario deploys the file <paramref name="fullPath"/>: the designer runs a
    /// process's scenarios against a draft that exists only on the server, not on the disk.
    /// </summary>
    public ModelCache Override(string fullPath, string xml)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        ArgumentNullException.ThrowIfNull(xml);
        _overrides[Path.GetFullPath(fullPath)] = xml;
        return this;
    }

    /// <param name="fullPath">Absolute path, the cache key.</param>
    /// <param name="displayPath">How the file is named in diagnostics.</param>
    public BpmnReadResult Read(string fullPath, string displayPath)
    {
        if (_overrides.TryGetValue(Path.GetFullPath(fullPath), out var xml))
            return Rename(new BpmnReader().ReadString(xml, fullPath), fullPath, displayPath);
        var written = File.Exists(fullPath) ? File.GetLastWriteTimeUtc(fullPath) : DateTime.MinValue;
        var key = fullPath + "\n" + displayPath;
        if (_cache.TryGetValue(key, out var hit) && hit.Written == written) return hit.Result;
        var result = Rename(new BpmnReader().ReadFile(fullPath), fullPath, displayPath);
        _cache[key] = (written, result);
        return result;
    }

    private static BpmnReadResult Rename(BpmnReadResult result, string fullPath, string displayPath) =>
        result with
        {
            File = displayPath,
            Diagnostics = result.Diagnostics.Select(d => d.File == fullPath ? d with { File = displayPath } : d).ToList(),
        };
}
