using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Simulators;

/// <summary>
/// The HTTP plumbing the xdomea partners on loopback share (<see cref="DmsSimulator"/>, <see cref="ArchivSimulator"/>): the
/// official schema, a quiet loopback app, the ZIP container of a request, a message read against the schema, an XML answer.
/// </summary>
internal static class XdomeaEndpoint
{
    /// <summary>The compiled xdomea schema of a folder holding xdomea.xsd.</summary>
    public static XmlSchemaSet Schema(string folder)
    {
        var schema = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        schema.Add(null, Path.Combine(folder, "xdomea.xsd"));
        schema.Compile();
        return schema;
    }

    /// <summary>A web app on 127.0.0.1:<paramref name="port"/> without log output, built but not started.</summary>
    public static WebApplication App(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>The files of the request's ZIP container by name, or the refusal (415 for another content type, 400 for no ZIP).</summary>
    public static async Task<(Dictionary<string, byte[]>? Files, IResult? Refusal)> ContainerAsync(HttpRequest request)
    {
        if (!string.Equals(request.ContentType, "application/zip", StringComparison.OrdinalIgnoreCase))
            return (null, Results.Text("expected application/zip (an xdomea container)", statusCode: 415));
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body).ConfigureAwait(false);
        try
        {
            body.Position = 0;
            using var zip = new ZipArchive(body, ZipArchiveMode.Read);
            return (zip.Entries.ToDictionary(e => e.FullName, e => { using var s = e.Open(); using var m = new MemoryStream(); s.CopyTo(m); return m.ToArray(); }), null);
        }
        catch (InvalidDataException) { return (null, Results.Text("the body is no ZIP container", statusCode: 400)); }
    }

    /// <summary>Reads a message, adding every schema error to <paramref name="errors"/>; throws <see cref="XmlException"/> for XML that is not well-formed.</summary>
    public static XDocument Load(byte[] message, XmlSchemaSet schema, List<string> errors)
    {
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schema, DtdProcessing = DtdProcessing.Prohibit };
        settings.ValidationEventHandler += (_, e) => errors.Add(e.Message);
        using var reader = XmlReader.Create(new MemoryStream(message), settings);
        return XDocument.Load(reader);
    }

    public static IResult Xml(string xml, int status) => Results.Text(xml, "application/xml; charset=utf-8", System.Text.Encoding.UTF8, status);
}
