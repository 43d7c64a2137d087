using System.Text;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Bench;

/// <summary>
/// The BPMN XML of the workloads. Written to files once per bench run, so our engine and bpmn-engine read the very
/// same bytes. Service tasks are bound with <c>egov:activity="bench-noop"</c> (an in-process activity that returns at
/// once); bpmn-engine ignores the attribute and gets an equivalent no-op service from the Node script.
/// Conditions are plain <c>${...}</c> JavaScript over process variables (our engine evaluates them with Jint, the
/// Node script with a cached Function over the same variables).
/// </summary>
public static class Models
{
    public const string NoopActivity = "bench-noop";

    private const string Head = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="Defs_{0}" targetNamespace="https://egov-workflows.de/bench">
        """;

    private static string Wrap(string id, string body) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Head, id) + "\n" + body + "</definitions>\n";

    private static string Service(string id) => $"""    <serviceTask id="{id}" name="{id}" egov:activity="{NoopActivity}" />""" + "\n";
    private static string Flow(string id, string from, string to) => $"""    <sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}" />""" + "\n";

    /// <summary>W1: start → 10 service tasks → end.</summary>
    public static string W1()
    {
        var b = new StringBuilder();
        b.Append("  <process id=\"W1\" name=\"W1 straight-through\" isExecutable=\"true\">\n");
        b.Append("    <startEvent id=\"start\" />\n");
        var prev = "start";
        for (var i = 1; i <= 10; i++)
        {
            b.Append(Service($"s{i}"));
            b.Append(Flow($"f{i}", prev, $"s{i}"));
            prev = $"s{i}";
        }
        b.Append("    <endEvent id=\"end\" />\n");
        b.Append(Flow("f11", prev, "end"));
        b.Append("  </process>\n");
        return Wrap("W1", b.ToString());
    }

    /// <summary>W2: fork into 4 branches of 2 service tasks, join, exclusive gateway with two conditional flows on <c>route</c>.</summary>
    public static string W2()
    {
        var b = new StringBuilder();
        b.Append("  <process id=\"W2\" name=\"W2 parallel\" isExecutable=\"true\">\n");
        b.Append("    <startEvent id=\"start\" />\n");
        b.Append("    <parallelGateway id=\"fork\" />\n");
        b.Append("    <parallelGateway id=\"join\" />\n");
        b.Append(Flow("f_start", "start", "fork"));
        for (var br = 1; br <= 4; br++)
        {
            b.Append(Service($"b{br}a"));
            b.Append(Service($"b{br}b"));
            b.Append(Flow($"f{br}_1", "fork", $"b{br}a"));
            b.Append(Flow($"f{br}_2", $"b{br}a", $"b{br}b"));
            b.Append(Flow($"f{br}_3", $"b{br}b", "join"));
        }
        b.Append("    <exclusiveGateway id=\"route\" />\n");
        b.Append(Flow("f_join", "join", "route"));
        b.Append("    <endEvent id=\"endA\" />\n");
        b.Append("    <endEvent id=\"endB\" />\n");
        b.Append("""
                <sequenceFlow id="f_a" sourceRef="route" targetRef="endA">
                  <conditionExpression xsi:type="tFormalExpression">${route == 'a'}</conditionExpression>
                </sequenceFlow>
                <sequenceFlow id="f_b" sourceRef="route" targetRef="endB">
                  <conditionExpression xsi:type="tFormalExpression">${route != 'a'}</conditionExpression>
                </sequenceFlow>

            """);
        b.Append("  </process>\n");
        return Wrap("W2", b.ToString());
    }

    /// <summary>W3: start → user task → end (start, then complete: two commands).</summary>
    public static string W3() => Wrap("W3", """
          <process id="W3" name="W3 human" isExecutable="true">
            <startEvent id="start" />
            <userTask id="review" name="Review" />
            <endEvent id="end" />
            <sequenceFlow id="f1" sourceRef="start" targetRef="review" />
            <sequenceFlow id="f2" sourceRef="review" targetRef="end" />
          </process>

        """);

    /// <summary>W4: start → timer (PT1H) → end.</summary>
    public static string W4() => Wrap("W4", """
          <process id="W4" name="W4 timer" isExecutable="true">
            <startEvent id="start" />
            <intermediateCatchEvent id="wait">
              <timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT1H</timeDuration></timerEventDefinition>
            </intermediateCatchEvent>
            <endEvent id="end" />
            <sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
            <sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
          </process>

        """);

    public static string ForWorkload(string workload) => workload switch
    {
        "W1" => W1(),
        "W2" => W2(),
        "W3" => W3(),
        "W4" => W4(),
        _ => throw new ArgumentException($"no single model for {workload}", nameof(workload)),
    };

    /// <summary>A model of about <paramref name="elements"/> flow elements (start, service tasks, flows, end) for the reader benchmark.</summary>
    public static string Large(int elements)
    {
        var tasks = Math.Max(1, (elements - 3) / 2);
        var b = new StringBuilder();
        b.Append("  <process id=\"Large\" isExecutable=\"true\">\n    <startEvent id=\"start\" />\n");
        var prev = "start";
        for (var i = 1; i <= tasks; i++)
        {
            b.Append(Service($"s{i}"));
            b.Append(Flow($"f{i}", prev, $"s{i}"));
            prev = $"s{i}";
        }
        b.Append("    <endEvent id=\"end\" />\n");
        b.Append(Flow("f_end", prev, "end"));
        b.Append("  </process>\n");
        return Wrap("Large", b.ToString());
    }

    /// <summary>Writes W1-W4 as W1.bpmn … W4.bpmn into <paramref name="dir"/>.</summary>
    public static void WriteAll(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var w in new[] { "W1", "W2", "W3", "W4" })
            File.WriteAllText(Path.Combine(dir, w + ".bpmn"), ForWorkload(w), new UTF8Encoding(false));
    }

    private static readonly Regex ProcessId = new("<(?:bpmn2?:|bpmn:)?process\\b[^>]*\\bid=\"([^\"]+)\"", RegexOptions.Compiled);

    /// <summary>
    /// W5's catalogue: every model under <paramref name="processesDir"/> plus <paramref name="variants"/> variants made
    /// from them round-robin (every process id and every attribute that refers to it renamed <c>ID_vN</c>), as
    /// (file name, XML) pairs. Without models under processes/ the variants are generated W1/W2/W3 copies.
    /// </summary>
    public static List<(string File, string Xml)> Catalogue(string processesDir, int variants)
    {
        var originals = Directory.Exists(processesDir)
            ? Directory.EnumerateFiles(processesDir, "*.bpmn", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => (File: Path.GetRelativePath(processesDir, f), Xml: File.ReadAllText(f))).ToList()
            : [];
        var sources = originals.Count > 0 ? originals : [("W1.bpmn", W1()), ("W2.bpmn", W2()), ("W3.bpmn", W3())];
        var all = new List<(string, string)>(originals);
        for (var v = 0; v < variants; v++)
        {
            var (file, xml) = sources[v % sources.Count];
            var ids = ProcessId.Matches(xml).Select(m => m.Groups[1].Value).Distinct().ToList();
            foreach (var id in ids) xml = xml.Replace($"\"{id}\"", $"\"{id}_v{v}\"", StringComparison.Ordinal);
            all.Add(($"variant-{v:D3}-{Path.GetFileName(file)}", xml));
        }
        return all;
    }
}
