using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using EGov.Workflows.Host;
using EGov.Workflows.Host.Tests;
using Xunit.Abstractions;

namespace EGov.Workflows.Fuzz.Tests;

/// <summary>
/// Every operation of the API that takes a JSON body, as the server's own OpenAPI document (<c>/openapi/v1.json</c>) describes
/// it, against the real server in this process (memory store, a superuser machine client): bodies generated from each
/// operation's schema — valid ones, and ones with wrong types, missing or unknown properties, huge numbers, long strings,
/// deep nesting and damaged JSON text — with path parameters that name real or made-up ids. The rule: never a 5xx, never a
/// request without an answer (the client's timeout is the hang detector).
/// </summary>
public sealed class ApiBodyFuzzTests(ITestOutputHelper output)
{
    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="urn:fuzz">
          <bpmn:message id="M" name="Nachricht" />
          <bpmn:process id="Fuzz" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:userTask id="Pruefen" camunda:candidateGroups="g" />
            <bpmn:serviceTask id="Extern" camunda:type="external" camunda:topic="fuzz" />
            <bpmn:intermediateCatchEvent id="Warten"><bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateCatchEvent>
            <bpmn:endEvent id="Ende" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Pruefen" />
            <bpmn:sequenceFlow id="f2" sourceRef="Pruefen" targetRef="Extern" />
            <bpmn:sequenceFlow id="f3" sourceRef="Extern" targetRef="Warten" />
            <bpmn:sequenceFlow id="f4" sourceRef="Warten" targetRef="Ende" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>One operation with a JSON body: method, path template and the body's schema (resolved against the document).</summary>
    private sealed record Operation(string Method, string Path, JsonNode? Schema);

    [Fact]
    public async Task EveryJsonBodyOfTheApi_NeverAnswers5xx_NorHangs()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-fuzz", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = null, JobPollInterval = TimeSpan.FromMilliseconds(200),
            AttachmentDirectory = Path.Combine(dir, "attachments"),
        });
        await using (server)
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            using var identities = new Identities(server);
            // A long run (scripts/fuzz.sh --long) outlives an access token: on a 401 the fuzzer takes a fresh one, and the run
            // fails when that happens more than a token's lifetime allows (a long run of 2026-12-04 sent its last 15 minutes
            // without a valid token: every body was refused at the door and never reached its handler).
            var clientId = $"fuzz-{Guid.NewGuid():N}"[..20];
            var secret = await identities.CreateClientAsync(clientId, Identities.AllRoles, ["*"], ["*"]);
            var token = await identities.TokenAsync(clientId, secret);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var refreshed = 0;
            using var refreshing = new SemaphoreSlim(1, 1);
            var ids = await SeedAsync(http);
            var document = JsonNode.Parse(await http.GetStringAsync("openapi/v1.json"))!;
            var operations = Operations(document);
            operations.Count.ShouldBeGreaterThan(20, "the OpenAPI document lists the operations with JSON bodies");
            output.WriteLine($"{operations.Count} operations with a JSON body");

            var seconds = Fuzz.Seconds(45);
            long runs = 0;
            var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
            var gen = Gen.Select(Gen.Int[0, operations.Count - 1], Gen.Int, Gen.Int[0, 9], (op, seed, damage) => (Op: operations[op], Seed: seed, Damage: damage));
            await gen.SampleAsync(async c =>
            {
                Interlocked.Increment(ref runs);
                var random = new Random(c.Seed);
                var path = FillPath(c.Op.Path, random, ids);
                var body = Body(document, c.Op.Schema, random, c.Damage);
                using var request = new HttpRequestMessage(new HttpMethod(c.Op.Method), path.TrimStart('/'))
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                if (random.Next(8) == 0) request.Headers.Add("Idempotency-Key", $"fuzz-{random.Next(50)}");
                if (random.Next(10) == 0) request.Headers.Add("X-Tenant", new[] { "default", "andere", "../x", "" }[random.Next(4)]);
                var sentWith = Volatile.Read(ref token);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sentWith);
                using var response = await http.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status == 401)
                {
                    await refreshing.WaitAsync();
                    try
                    {
                        if (Volatile.Read(ref token) == sentWith)
                        {
                            Volatile.Write(ref token, await identities.TokenAsync(clientId, secret));
                            Interlocked.Increment(ref refreshed);
                        }
                    }
                    finally { refreshing.Release(); }
                }
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status >= 500)
                    throw new InvalidOperationException($"{c.Op.Method} {path} answered {status}: {Cut(await response.Content.ReadAsStringAsync())}\nbody: {Cut(body)}");
            }, seed: Fuzz.Seed, iter: long.MaxValue, time: seconds, threads: 2, print: c => $"{c.Op.Method} {c.Op.Path} seed {c.Seed} damage {c.Damage}");
            output.WriteLine("answers: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) + $"; tokens renewed {refreshed}");
            // A 401 with a valid token would mean the fuzzer measured the door, not the handlers: at most one renewal per 10 minutes.
            refreshed.ShouldBeLessThanOrEqualTo(1 + seconds / 600, "the access token had to be renewed more often than it runs out");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Volatile.Read(ref token));
            Fuzz.Report(output.WriteLine, "api-json-bodies", runs, seconds);
            // The node is still well after the run.
            using var health = await http.GetAsync("api/health");
            ((int)health.StatusCode).ShouldBe(200, await health.Content.ReadAsStringAsync());
        }
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static string Cut(string text) => text.Length <= 1500 ? text : text[..1500] + $"… ({text.Length} characters)";

    /// <summary>A deployed model and a running instance, so path parameters can name things that exist.</summary>
    private static async Task<List<string>> SeedAsync(HttpClient http)
    {
        using (var content = new StringContent(Model, Encoding.UTF8, "application/xml"))
        using (var deployed = await http.PostAsync("api/deployments?name=fuzz.bpmn", content))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        var ids = new List<string> { "Fuzz", "Pruefen", "Nachricht", "fuzz", "default" };
        for (var i = 0; i < 3; i++)
        {
            using var started = await http.PostAsync("api/process-definitions/Fuzz/start", new StringContent("{\"businessKey\": \"F-" + i + "\", \"variables\": {\"a\": " + i + "}}", Encoding.UTF8, "application/json"));
            var body = JsonNode.Parse(await started.Content.ReadAsStringAsync())!;
            if (body["id"]?.GetValue<string>() is { } id) ids.Add(id);
        }
        return ids;
    }

    /// <summary>The operations of the document that take a JSON body.</summary>
    private static List<Operation> Operations(JsonNode document)
    {
        var list = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, op) in item!.AsObject())
            {
                if (method is not ("post" or "put" or "patch")) continue;
                var content = op?["requestBody"]?["content"]?.AsObject();
                if (content is null) continue;
                var json = content.FirstOrDefault(c => c.Key.Contains("json", StringComparison.Ordinal));
                if (json.Key is null) continue;
                list.Add(new Operation(method.ToUpperInvariant(), path, json.Value?["schema"]));
            }
        return list;
    }

    private static string FillPath(string template, Random r, List<string> ids) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{[^}]+\}", _ => Uri.EscapeDataString(r.Next(6) switch
        {
            0 => ids[r.Next(ids.Count)] + ".u" + r.Next(8),
            1 => new[] { "..", "%00", "x y", "ä", new string('a', 300), "-1", "0", "null" }[r.Next(8)],
            _ => ids[r.Next(ids.Count)],
        }));

    /// <summary>A body from the schema, then damaged: a value replaced, the text cut or a byte changed.</summary>
    private static string Body(JsonNode document, JsonNode? schema, Random r, int damage)
    {
        var value = FromSchema(document, schema, r, 0);
        if (damage >= 6 && value is JsonObject o && o.Count > 0) o.Remove(o.ElementAt(r.Next(o.Count)).Key);  // a property missing
        if (damage is 4 or 5 && value is JsonObject o2) o2[new[] { "unbekannt", "__proto__", "$type", "" }[r.Next(4)]] = Hostile(r); // an unknown one
        var text = value?.ToJsonString() ?? "null";
        return damage switch
        {
            1 => text.Length > 1 ? text[..r.Next(1, text.Length)] : "{",                                  // cut
            2 => Fuzz.Mutate(text, 1 + r.Next(3), r.Next(), ["\"", "{", "}", "[", "]", ",", ":", "\\u0000", "1e999", "NaN", "\"a\":1"]),
            3 => Hostile(r).ToJsonString(),                                                                // another shape altogether
            _ => text,
        };
    }

    private static JsonNode Hostile(Random r) => r.Next(7) switch
    {
        0 => JsonValue.Create(new string('x', r.Next(1, 200_000)))!,
        1 => JsonValue.Create(decimal.MaxValue)!,
        2 => JsonValue.Create(-1)!,
        3 => Nested(r.Next(10, 200)),
        4 => new JsonArray(Enumerable.Range(0, r.Next(1, 3000)).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
        5 => JsonValue.Create("\u0000\uD800 ${1} <script> ' OR 1=1 --")!,
        _ => new JsonObject(),
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonObject();
        for (var i = 0; i < depth; i++) node = new JsonObject { ["a"] = node };
        return node;
    }

    private static JsonNode? FromSchema(JsonNode document, JsonNode? schema, Random r, int depth)
    {
        if (schema is null) return r.Next(2) == 0 ? new JsonObject() : Hostile(r);
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var target = reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode?)document, (n, part) => n?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]);
            return depth > 8 ? null : FromSchema(document, target, r, depth + 1);
        }
        if (r.Next(25) == 0) return Hostile(r); // a wrong type anywhere
        if (schema["enum"] is JsonArray values && values.Count > 0) return r.Next(10) == 0 ? JsonValue.Create("kein-wert") : values[r.Next(values.Count)]?.DeepClone();
        foreach (var key in new[] { "oneOf", "anyOf", "allOf" })
            if (schema[key] is JsonArray choices && choices.Count > 0) return FromSchema(document, choices[r.Next(choices.Count)], r, depth + 1);
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonValue one => one.GetValue<string>(),
            _ => schema["properties"] is not null ? "object" : null,
        };
        switch (type)
        {
            case "object":
                var o = new JsonObject();
                if (depth > 6) return o;
                foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
                    if (r.Next(4) != 0) o[name] = FromSchema(document, property, r, depth + 1);
                if (schema["additionalProperties"] is JsonObject extra && r.Next(2) == 0)
                    for (var i = r.Next(4); i > 0; i--) o[$"v{r.Next(100)}"] = FromSchema(document, extra, r, depth + 1);
                return o;
            case "array":
                return depth > 6 ? new JsonArray() : new JsonArray(Enumerable.Range(0, r.Next(4)).Select(_ => FromSchema(document, schema["items"], r, depth + 1)).ToArray());
            case "string":
                return JsonValue.Create((schema["format"]?.GetValue<string>()) switch
                {
                    "date-time" => r.Next(4) == 0 ? "2026-13-45T99:00:00Z" : "2026-12-03T10:00:00Z",
                    "date" => r.Next(4) == 0 ? "3. Dezember" : "2026-12-03",
                    "uuid" => Guid.NewGuid().ToString(),
                    _ => new[] { "Fuzz", "Pruefen", "erika", "g", "Nachricht", "", " ", "ä𝄞", "${a}", "= 1 + 1", "P1D", "../../etc/passwd", new string('z', r.Next(1, 5000)) }[r.Next(13)],
                });
            case "integer":
                return JsonValue.Create(new long[] { 0, 1, -1, 10, 1000, int.MaxValue, long.MaxValue, int.MinValue }[r.Next(8)]);
            case "number":
                return JsonValue.Create(new[] { 0.5, -1.0, 1e300, 3.0 }[r.Next(4)]);
            case "boolean":
                return JsonValue.Create(r.Next(2) == 0);
            default:
                return r.Next(3) switch
                {
                    0 => new JsonObject { ["a"] = 1, ["text"] = "t", ["liste"] = new JsonArray(1, 2) },
                    1 => JsonValue.Create("wert"),
                    _ => Hostile(r),
                };
        }
    }
}
