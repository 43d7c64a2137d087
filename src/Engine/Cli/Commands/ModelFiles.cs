namespace EGov.Workflows.Cli.Commands;

/// <summary>Turns command-line paths into the model files they name: files as given, folders searched for *.bpmn and *.bpmn20.xml.</summary>
public static class ModelFiles
{
    public static List<string> Expand(IEnumerable<string> paths, TextWriter stderr, out bool missing)
    {
        missing = false;
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase))
                    .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
                    .Order(StringComparer.Ordinal));
            else
            {
                stderr.WriteLine($"{path}: error: no such file or directory");
                missing = true;
            }
        }
        return files;
    }
}
