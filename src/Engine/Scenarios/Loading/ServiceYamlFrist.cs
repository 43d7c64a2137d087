using NodaTime;
using NodaTime.Text;
using YamlDotNet.RepresentationModel;

namespace EGov.Workflows.Scenarios.Loading;

/// <summary>The process and Bearbeitungsfrist of a service.yaml (docs/service-catalogue.md), for the case's Frist in scenarios.</summary>
internal static class ServiceYamlFrist
{
    /// <summary>What activities learn of the service (Aktenplan, Aufbewahrungsfrist), or null when the file names no process.</summary>
    public static Sdk.ServiceFacts? Facts(string path)
    {
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map) return null;
            static string? Scalar(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
            if (Scalar(map, "process") is not { } process) return null;
            var aktenplan = map.Children.TryGetValue(new YamlScalarNode("aktenplan"), out var a) && a is YamlMappingNode ap ? ap : null;
            return new Sdk.ServiceFacts(process)
            {
                AktenplanKennzeichen = aktenplan is null ? null : Scalar(aktenplan, "kennzeichen"),
                AktenplanBetreff = aktenplan is null ? null : Scalar(aktenplan, "betreff"),
                Aufbewahrungsfrist = Scalar(map, "aufbewahrungsfrist"),
            };
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
    }

    /// <summary>Both, or nulls when the file does not say (or is not a mapping; <c>./egov validate</c> reports that).</summary>
    public static (string? Process, Period? Frist) Read(string path)
    {
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path)) stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map) return (null, null);
            string? Scalar(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
            var frist = Scalar("bearbeitungsfrist") is { } text && PeriodPattern.NormalizingIso.Parse(text.Trim()) is { Success: true } p
                && !p.Value.HasTimeComponent && !p.Value.Equals(Period.Zero) ? p.Value : null;
            return (Scalar("process"), frist);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return (null, null);
        }
    }
}
