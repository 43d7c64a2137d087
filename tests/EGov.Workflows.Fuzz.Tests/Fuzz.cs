using System.Text;
using CsCheck;

namespace EGov.Workflows.Fuzz.Tests;

/// <summary>
/// What every fuzz target shares: how long it runs (a short pass in CI; <c>EGOV_FUZZ_SECONDS</c> per target for the long run
/// of scripts/fuzz.sh), the repository's files as seed corpora, a mutator that damages a seed the way broken or hostile
/// input does, and the count of executions for docs/operations/fuzzing.md.
/// </summary>
public static class Fuzz
{
    /// <summary>Seconds a target runs: <paramref name="ci"/> in the CI pass, or <c>EGOV_FUZZ_SECONDS</c> when set (the long run).</summary>
    public static int Seconds(int ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("EGOV_FUZZ_SECONDS"), out var s) && s > 0 ? s : ci;

    /// <summary>A replay seed from <c>EGOV_FUZZ_SEED</c> (CsCheck prints it with every failure), or null for a random run.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("EGOV_FUZZ_SEED") is { Length: > 0 } s ? s : null;

    /// <summary>The repository's root (the folder with EGov.Workflows.sln).</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException($"no EGov.Workflows.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Every file under the repository's <paramref name="folders"/> with the ending (bin/obj/node_modules left out).</summary>
    public static IReadOnlyList<string> Corpus(string ending, params string[] folders) =>
        folders.Select(f => Path.Combine(Root, f)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*" + ending, SearchOption.AllDirectories))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("node_modules", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(File.ReadAllText).Where(t => t.Length < 400_000).ToList();

    /// <summary>
    /// Wall time one input may take before it is a finding (a hang or a runaway): <c>EGOV_FUZZ_INPUT_SECONDS</c>, default 30 —
    /// generous, because this machine is shared and a second of CPU can take many seconds of wall time.
    /// </summary>
    public static TimeSpan InputLimit =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("EGOV_FUZZ_INPUT_SECONDS"), out var s) && s > 0 ? s : 30);

    /// <summary>
    /// Runs one target: <paramref name="check"/> on samples of <paramref name="gen"/> for <see cref="Seconds"/>(<paramref name="ciSeconds"/>),
    /// from <see cref="Seed"/> when set, then <see cref="Report"/>s the executions. CsCheck shrinks and prints a failing sample.
    /// A watchdog isolates slow inputs: one that runs past <see cref="InputLimit"/> fails the target with the input; one
    /// that runs past four times the limit (a hang: the run would never end) is printed to stderr and ends the process.
    /// </summary>
    public static void Run<T>(Action<string> output, string target, int ciSeconds, Gen<T> gen, Action<T> check, Func<T, string>? print = null, int threads = -1)
    {
        var seconds = Seconds(ciSeconds);
        long runs = 0;
        var running = new System.Collections.Concurrent.ConcurrentDictionary<int, (long Started, T Sample)>();
        var slow = new System.Collections.Concurrent.ConcurrentBag<string>();
        var reported = new System.Collections.Concurrent.ConcurrentDictionary<(int, long), bool>();
        var limit = InputLimit;
        string Show(T sample) => print is null ? $"{sample}" : print(sample);
        using var watchdog = new Timer(_ =>
        {
            foreach (var (thread, (started, sample)) in running)
            {
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (took > limit * 4)
                {
                    Console.Error.WriteLine($"fuzz {target}: an input has run for {took.TotalSeconds:F0} s (a hang):\n{Show(sample)}");
                    Environment.FailFast($"fuzz {target}: hang on an input (printed to stderr)");
                }
                if (took > limit && reported.TryAdd((thread, started), true)) // once per input
                    slow.Add($"ran longer than {limit.TotalSeconds:F0} s:\n{Show(sample)}");
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        gen.Sample(sample =>
        {
            Interlocked.Increment(ref runs);
            running[Environment.CurrentManagedThreadId] = (System.Diagnostics.Stopwatch.GetTimestamp(), sample);
            try { check(sample); }
            finally { running.TryRemove(Environment.CurrentManagedThreadId, out _); }
        }, seed: Seed, iter: long.MaxValue, time: seconds, threads: threads, print: print);
        if (!slow.IsEmpty) throw new TimeoutException($"fuzz {target}: {slow.Count} input(s) ran too long:\n" + string.Join("\n", slow));
        Report(output, target, runs, seconds);
    }

    /// <summary>Writes the number of executions of a target to the test output and to <c>EGOV_FUZZ_REPORT</c> (a file scripts/fuzz.sh tabulates).</summary>
    public static void Report(Action<string> output, string target, long executions, int seconds)
    {
        var line = $"{target}\t{executions}\t{seconds}";
        output($"fuzz {target}: {executions} executions in {seconds} s, no finding");
        if (Environment.GetEnvironmentVariable("EGOV_FUZZ_REPORT") is { Length: > 0 } file)
            lock (typeof(Fuzz)) File.AppendAllText(file, line + "\n");
    }

    /// <summary>A seed text from <paramref name="corpus"/> damaged by 0–8 mutations (the tuple is what CsCheck shrinks and prints).</summary>
    public static Gen<string> Mutated(IReadOnlyList<string> corpus, IReadOnlyList<string> snippets) =>
        Gen.Select(Gen.Int[0, corpus.Count - 1], Gen.Int[0, 8], Gen.Int, (file, count, seed) => Mutate(corpus[file], count, seed, snippets));

    /// <summary>Deterministic damage to <paramref name="text"/>: deletions, duplications, truncation, inserted snippets and bytes.</summary>
    public static string Mutate(string text, int count, int seed, IReadOnlyList<string> snippets)
    {
        var random = new Random(seed);
        var s = new StringBuilder(text);
        for (var i = 0; i < count; i++)
        {
            var at = s.Length == 0 ? 0 : random.Next(s.Length);
            var length = Math.Min(s.Length - at, random.Next(1, 64));
            switch (random.Next(9))
            {
                case 0: s.Remove(at, length); break;                                                  // delete a stretch
                case 1: s.Insert(at, s.ToString(at, length)); break;                                  // duplicate a stretch
                case 2: s.Length = at; break;                                                          // truncate
                case 3: s.Insert(at, snippets[random.Next(snippets.Count)]); break;                   // a hostile or tricky snippet
                case 4: s.Insert(at, (char)random.Next(0, 0xFFFF)); break;                            // any UTF-16 unit, surrogates too
                case 5: if (s.Length > 0) s[at] = "<>\"'&=/:{}[](),.;#$\\ \n\t0-9"[random.Next(26)]; break; // a structural character
                case 6: s.Insert(at, new string(snippets[random.Next(snippets.Count)][0], random.Next(1, 3000))); break; // a long run
                case 7: // move a stretch elsewhere
                    var cut = s.ToString(at, length); s.Remove(at, length); s.Insert(s.Length == 0 ? 0 : random.Next(s.Length), cut); break;
                default: s.Insert(at, random.Next(-3, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture)); break; // a number
            }
        }
        return s.ToString();
    }

    /// <summary>Snippets that break XML readers or models: entities, DTDs, deep nesting, odd values, expressions.</summary>
    public static readonly string[] XmlSnippets =
    [
        "<!DOCTYPE d [<!ENTITY e \"eeeeeeeeee\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>", "&f;", "<!ENTITY x SYSTEM \"file:///etc/passwd\">", "&x;",
        string.Concat(Enumerable.Repeat("<a>", 600)), "</a>", "<![CDATA[", "]]>", "<?xml version=\"1.0\"?>", "xmlns:x=\"urn:x\"", "x:y=\"1\"",
        "<bpmn:userTask id=\"Dup\" />", "<bpmn:sequenceFlow id=\"F\" sourceRef=\"Dup\" targetRef=\"Dup\" />", "id=\"\"", "id=\"1 2\"", "<bpmn:exclusiveGateway id=\"G\" default=\"nope\"/>",
        "<bpmn:timerEventDefinition><bpmn:timeDuration>P99999999Y</bpmn:timeDuration></bpmn:timerEventDefinition>", "R-1/PT0S", "PT0S", "0 0 * * * ?", "R99999999/PT1S",
        "${a.b.c(}", "${execution.getVariable('x')}", "#{1/0}", "= for x in 1..10 return x", "camunda:asyncBefore=\"true\"", "isExecutable=\"false\"",
        "<bpmn:multiInstanceLoopCharacteristics camunda:collection=\"${liste}\" camunda:elementVariable=\"e\"/>", "<bpmn:loopCardinality>1000000000</bpmn:loopCardinality>",
        "<bpmn:script>while(true){}</bpmn:script>", "scriptFormat=\"groovy\"", "<dmn:inputEntry><dmn:text>[1..</dmn:text></dmn:inputEntry>", "hitPolicy=\"COLLECT\" aggregation=\"SUM\"",
        "typeRef=\"date and time\"", "\u0000", "\uFFFE", "\uD800", "é", "𝄞", "\r\n", "  ", "\"", "'", "<", ">", "&", "&#0;", "&#x110000;", "&amp;",
    ];

    /// <summary>Snippets for YAML (the scenario files).</summary>
    public static readonly string[] YamlSnippets =
    [
        "\n- ", ": ", "\n  ", "\t", "- - - -", "{", "}", "[", "]", "&a ", "*a", "!!binary ", "|\n", ">\n", "\"", "'", "#", "---\n", "...\n",
        "steps:\n", "  - start: P\n", "  - complete: T\n    variables: {a: 1}\n", "  - advance: P99999Y\n", "  - expect:\n      state: completed\n", "deploy: [../../../etc/passwd]\n",
        "variables: {a: [1, {b: [2, {c: 3}]}]}\n", string.Concat(Enumerable.Repeat("[", 500)), string.Concat(Enumerable.Repeat("- ", 300)), "\u0000", "é", "𝄞", "~", "null", "0x10", "1e999",
    ];
}
