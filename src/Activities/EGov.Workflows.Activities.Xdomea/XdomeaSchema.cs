using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>
/// The official xdomea schema read from a folder (<see cref="XdomeaOptions.SchemaDirectory"/>): compiled once per path and
/// kept. Imports resolve only to local files; nothing is fetched from the network.
/// </summary>
public sealed class XdomeaSchema
{
    private static readonly ConcurrentDictionary<string, Lazy<XdomeaSchema>> Cache = new(StringComparer.Ordinal);

    private XdomeaSchema(XmlSchemaSet set, string ns, string path)
    {
        Set = set;
        Namespace = ns;
        Path = path;
    }

    /// <summary>The compiled schema set.</summary>
    public XmlSchemaSet Set { get; }

    /// <summary>The xdomea namespace of this schema, e.g. <c>urn:xoev-de:xdomea:schema:3.1.0</c>.</summary>
    public string Namespace { get; }

    /// <summary>The root schema file read.</summary>
    public string Path { get; }

    /// <summary>The version in the namespace, e.g. <c>3.1.0</c>.</summary>
    public string Version => Namespace[(Namespace.LastIndexOf(':') + 1)..];

    /// <summary>
    /// The schema at <paramref name="folderOrFile"/> (a folder holding <c>xdomea.xsd</c>, or the file). Throws
    /// <see cref="XdomeaSchemaException"/> naming the path when it is missing or does not compile.
    /// </summary>
    public static XdomeaSchema Load(string folderOrFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folderOrFile);
        var path = System.IO.Path.GetFullPath(Directory.Exists(folderOrFile) ? System.IO.Path.Combine(folderOrFile, "xdomea.xsd") : folderOrFile);
        var lazy = Cache.GetOrAdd(path, p => new Lazy<XdomeaSchema>(() => Compile(p)));
        try { return lazy.Value; }
        catch (XdomeaSchemaException) { Cache.TryRemove(path, out _); throw; } // a folder filled later is read again
    }

    private static XdomeaSchema Compile(string path)
    {
        if (!File.Exists(path)) throw new XdomeaSchemaException($"the xdomea schema '{path}' does not exist (the folder must hold xdomea.xsd of xdomea 3.x from XRepository)");
        var set = new XmlSchemaSet { XmlResolver = new LocalFileResolver() };
        var errors = new List<string>();
        set.ValidationEventHandler += (_, e) => { if (e.Severity == XmlSeverityType.Error) errors.Add(e.Message); };
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = new LocalFileResolver() });
            var root = set.Add(null, reader);
            set.Compile();
            if (errors.Count > 0) throw new XdomeaSchemaException($"the xdomea schema '{path}' does not compile: {errors[0]}");
            var ns = root?.TargetNamespace ?? "";
            if (!ns.StartsWith("urn:xoev-de:xdomea:schema:", StringComparison.Ordinal))
                throw new XdomeaSchemaException($"'{path}' is not an xdomea schema (target namespace '{ns}')");
            return new XdomeaSchema(set, ns, path);
        }
        catch (Exception e) when (e is XmlException or XmlSchemaException or IOException or UnauthorizedAccessException)
        {
            throw new XdomeaSchemaException($"the xdomea schema '{path}' cannot be read: {e.Message}");
        }
    }

    /// <summary>The schema errors of a message, each with its line; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate(XDocument message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var errors = new List<string>();
        // Validate the serialised text, so line numbers point into what is sent.
        string text;
        try { text = message.ToString(SaveOptions.None); }
        catch (ArgumentException e) { return [$"the message cannot be written as XML: {e.Message}"]; } // e.g. a control character in a value
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Set, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity == XmlSeverityType.Error || e.Message.Contains("no schema", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("not declared", StringComparison.OrdinalIgnoreCase))
                errors.Add($"Zeile {e.Exception?.LineNumber}: {e.Message}");
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            while (reader.Read()) { }
        }
        catch (XmlException e) { errors.Add($"Zeile {e.LineNumber}: {e.Message}"); }
        return errors;
    }

    /// <summary>Resolves schema imports to local files only (no http, no ftp).</summary>
    private sealed class LocalFileResolver : XmlUrlResolver
    {
        public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn) =>
            absoluteUri.IsFile ? base.GetEntity(absoluteUri, role, ofObjectToReturn)
                : throw new XmlSchemaException($"the schema import '{absoluteUri}' is not a local file (lay the imported schemas beside xdomea.xsd)");
    }
}

/// <summary>The configured xdomea schema is missing or broken.</summary>
public sealed class XdomeaSchemaException(string message) : Exception(message);
