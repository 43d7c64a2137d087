using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EGov.Workflows.Model;

namespace EGov.Workflows.Persistence.Deployments;

/// <summary>
/// What the host's deployment catalogue keeps of a version instead of its model (issue 15): the process's attributes
/// (name, validity, legal basis, candidate starters, trust level …), the form keys of its user tasks and start events, and
/// the trust levels and form keys of its none start events — what lists, the service registry and the citizen pages read for
/// every version. The model itself is read from the stored XML when a page needs it. Stored as JSON with the version
/// (Schema/*/0038_deployment_outline.sql).
/// </summary>
public sealed class DeploymentOutline
{
    /// <summary>
    /// The stored outline of a version kept as a reference whose outline is its shared version's: the row names it instead of
    /// repeating it — a hundred tenants' versions of 580 shared models were 58,000 copies of 580 texts, most of what a first
    /// deploy stored (bench W5). Reading the row gives the shared version's text (<c>EfRuntimeStore.DeploymentHeads</c>).
    /// Not JSON, so a build that does not know it reads no outline and makes it again from the model.
    /// </summary>
    public const string SharedMarker = "=shared";

    private static readonly XName TrustLevel = Namespaces.Egov + "trustLevel";
    private static readonly XName FormKey = Namespaces.Camunda + "formKey";

    /// <summary>The process element's attributes by expanded name (<c>{namespace}local</c>).</summary>
    public IReadOnlyDictionary<string, string> ProcessAttributes { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The distinct <c>camunda:formKey</c>s of the process's user tasks and start events (any depth).</summary>
    public IReadOnlyList<string> FormKeys { get; init; } = [];

    /// <summary>The <c>egov:trustLevel</c> of each top-level none start event that has one.</summary>
    public IReadOnlyList<string> StartTrustLevels { get; init; } = [];

    /// <summary>The <c>camunda:formKey</c> of the first top-level none start event that names one.</summary>
    public string? StartFormKey { get; init; }

    /// <summary>
    /// What the engine needs of the version without its graph (validity, properties, start triggers): a restart deploys the
    /// version by it and builds the graph on first use. Null for versions stored before it was kept (filled in at the next
    /// start, from the model, once).
    /// </summary>
    public Runtime.VersionOutline? Engine { get; init; }

    /// <summary>An attribute of the process element, or null.</summary>
    public string? ProcessAttribute(XName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ProcessAttributes.GetValueOrDefault(name.ToString());
    }

    /// <summary>The process's name (its <c>name</c> attribute).</summary>
    public string? Name => ProcessAttribute("name");

    /// <summary>The outline of a process of the model, or null when the model holds no such process.</summary>
    public static DeploymentOutline? Of(Definitions definitions, string processId)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var process = definitions.Processes.FirstOrDefault(p => p.Id == processId);
        if (process is null) return null;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in process.Attributes) attributes[a.Name.ToString()] = a.Value;
        var noneStarts = process.FlowElements.OfType<StartEvent>().Where(s => s.EventDefinitions.Count == 0).ToList();
        return new DeploymentOutline
        {
            ProcessAttributes = attributes,
            FormKeys = process.Descendants().Where(e => e.Name.LocalName is "userTask" or "startEvent").Select(e => e.Attribute(FormKey)).OfType<string>()
                .Distinct(StringComparer.Ordinal).ToList(),
            StartTrustLevels = noneStarts.Select(s => s.Attribute(TrustLevel)).OfType<string>().ToList(),
            StartFormKey = noneStarts.Select(s => s.Attribute(FormKey)).FirstOrDefault(k => !string.IsNullOrWhiteSpace(k)),
        };
    }

    /// <summary>The same outline with the engine's part (<see cref="Engine"/>).</summary>
    public DeploymentOutline With(Runtime.VersionOutline? engine) => new()
    {
        ProcessAttributes = ProcessAttributes, FormKeys = FormKeys, StartTrustLevels = StartTrustLevels, StartFormKey = StartFormKey, Engine = engine,
    };

    private sealed record Json(Dictionary<string, string> A, List<string> F, List<string> T, string? S, EngineJson? E = null);

    /// <summary>The engine's part: name, validFrom, validTo, legal basis, properties, start triggers (kind, element id, name).</summary>
    private sealed record EngineJson(string? N, string? F, string? T, string? L, Dictionary<string, string>? P, List<StartJson>? S);

    private sealed record StartJson(string K, string I, string? N);

    /// <remarks>Made once per outline (it is immutable): a hundred tenants' versions of one shared model share one outline and its text.</remarks>
    public string ToJson() => _json ??= JsonSerializer.Serialize(new Json(new(ProcessAttributes, StringComparer.Ordinal), FormKeys.ToList(), StartTrustLevels.ToList(), StartFormKey,
        Engine is { } e ? new EngineJson(e.Name, Date(e.ValidFrom), Date(e.ValidTo), e.LegalBasis, new(e.Properties, StringComparer.Ordinal),
            e.Starts.Select(x => new StartJson(x.Kind.ToString(), x.ElementId, x.Name)).ToList()) : null));

    private string? _json;

    private static string? Date(NodaTime.LocalDate? d) => d is { } v ? NodaTime.Text.LocalDatePattern.Iso.Format(v) : null;

    private static NodaTime.LocalDate? Date(string? s) => s is null ? null : NodaTime.Text.LocalDatePattern.Iso.Parse(s).GetValueOrThrow();

    private static Runtime.VersionOutline? EngineOf(EngineJson? e)
    {
        if (e is null) return null;
        var starts = new List<Runtime.StartTrigger>();
        foreach (var x in e.S ?? [])
        {
            // A kind this build does not know (written by a newer one): the outline is taken as missing and made again.
            if (!Enum.TryParse<Runtime.StartTriggerKind>(x.K, out var kind)) return null;
            starts.Add(new Runtime.StartTrigger(kind, x.I, x.N));
        }
        return new Runtime.VersionOutline
        {
            Name = e.N, ValidFrom = Date(e.F), ValidTo = Date(e.T), LegalBasis = e.L,
            Properties = new Dictionary<string, string>(e.P ?? [], StringComparer.Ordinal), Starts = starts,
        };
    }

    /// <summary>The outline stored with a version; null when none was stored (a version from before migration 0038) or it cannot be read.</summary>
    public static DeploymentOutline? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var j = JsonSerializer.Deserialize<Json>(json);
            if (j is null) return null;
            return new DeploymentOutline
            {
                ProcessAttributes = new Dictionary<string, string>(j.A ?? [], StringComparer.Ordinal), FormKeys = j.F ?? [], StartTrustLevels = j.T ?? [], StartFormKey = j.S,
                Engine = EngineOf(j.E),
            };
        }
        catch (Exception e) when (e is JsonException or NodaTime.Text.UnparsableValueException) { return null; }
    }

    /// <summary>
    /// The source hash of a model file on disk (hex SHA-256): its bytes, the bytes of the form files its form keys name beside
    /// it (or that each is missing), and <paramref name="checkedBy"/> (the engine build and activities that checked it). Equal
    /// hashes: the file deploys exactly as before, so a restart neither reads nor writes it.
    /// </summary>
    public static string SourceHash(byte[] bytes, IEnumerable<(string FormKey, string? FormFile)> forms, string checkedBy)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(forms);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s)
        {
            var b = Encoding.UTF8.GetBytes(s);
            sha.AppendData(BitConverter.GetBytes(b.Length));
            sha.AppendData(b);
        }
        Text("egov-source-1");
        Text(checkedBy);
        sha.AppendData(BitConverter.GetBytes(bytes.LongLength));
        sha.AppendData(bytes);
        foreach (var (key, file) in forms.OrderBy(f => f.FormKey, StringComparer.Ordinal))
        {
            Text(key);
            byte[]? form = null;
            try { form = file is not null && File.Exists(file) ? File.ReadAllBytes(file) : null; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            if (form is null) Text("(none)");
            else
            {
                sha.AppendData(BitConverter.GetBytes(form.LongLength));
                sha.AppendData(form);
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
