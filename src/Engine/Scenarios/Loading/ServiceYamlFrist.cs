using NodaTime;
using NodaTime.Text;
using YamlDotNet.RepresentationModel;

namespace EGov.Workflows.Scenarios.Loading;

/// <summary>
/// The process, Bearbeitungsfrist and service facts of a service.yaml (docs/service-catalogue.md), for the case's Frist and
/// the activities in scenarios.
/// </summary>
internal static class ServiceYamlFrist
{
    /// <summary>
    /// The process, its Bearbeitungsfrist and what activities learn of the service (Aktenplan, Aufbewahrungsfrist), from one
    /// reading of the file; nulls where the file does not say (facts: when it names no process), all null when it is no
    /// mapping (<c>./egov validate</c> reports that).
    /// </summary>
    public static (string? Process, Period? Frist, Sdk.ServiceFacts? Facts) Read(string path)
    {
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map) return (null, null, null);
            static string? Scalar(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
            var frist = Scalar(map, "bearbeitungsfrist") is { } text && PeriodPattern.NormalizingIso.Parse(text.Trim()) is { Success: true } p
                && !p.Value.HasTimeComponent && !p.Value.Equals(Period.Zero) ? p.Value : null;
            if (Scalar(map, "process") is not { } process) return (null, frist, null);
            static YamlMappingNode? Section(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v as YamlMappingNode : null;
            var aktenplan = Section(map, "aktenplan");
            return (process, frist, new Sdk.ServiceFacts(process)
            {
                AktenplanKennzeichen = aktenplan is null ? null : Scalar(aktenplan, "kennzeichen"),
                AktenplanBetreff = aktenplan is null ? null : Scalar(aktenplan, "betreff"),
                Aufbewahrungsfrist = Scalar(map, "aufbewahrungsfrist"),
                Behoerde = Section(map, "contact") is { } contact && Scalar(contact, "name") is { } name ? name
                    : Section(map, "responsible") is { } responsible ? Scalar(responsible, "orgUnit") : null,
            });
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return (null, null, null);
        }
    }
}
