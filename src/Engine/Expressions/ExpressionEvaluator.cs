using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Runtime;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Evaluates conditions, expressions and scripts in a Jint sandbox. Thread-safe: parsed scripts are shared
/// through a bounded cache. A script, or an expression that calls, assigns or builds anything, runs in its own
/// fresh <see cref="Engine"/>; a read-only expression (most conditions: <c>amount &gt; 100</c>) runs on a pooled
/// engine that it cannot change, with its variables removed afterwards. Either way no global, prototype change or
/// variable of one evaluation can be seen by another, and every limit applies to each evaluation on its own.
/// </summary>
public sealed class ExpressionEvaluator
{
    /// <summary>Distinct sources kept parsed by default.</summary>
    public const int DefaultCacheCapacity = 4096;

    /// <summary>The longest array a script may create (Jint's array size constraint).</summary>
    public const uint MaxArrayLength = 1_000_000;

    private readonly SandboxLimits _limits;
    private readonly ScriptCache _cache;
    private readonly TimeZoneInfo _timeZone;
    private readonly Func<DateTimeOffset>? _clock;
    private readonly EnginePool _pool;

    /// <summary>An evaluator with the given limits (or <see cref="SandboxLimits.Default"/>).</summary>
    public ExpressionEvaluator(SandboxLimits? limits = null)
        : this(limits, DefaultCacheCapacity)
    {
    }

    /// <summary>An evaluator with the given limits and parsed-script cache size.</summary>
    public ExpressionEvaluator(SandboxLimits? limits, int cacheCapacity)
        : this(limits, cacheCapacity, null)
    {
    }

    /// <summary>
    /// An evaluator with the given limits, cache size and the time zone JavaScript's local-time <c>Date</c>
    /// methods use (<c>new Date(2026, 0, 5)</c>, <c>getHours()</c>); null means UTC, so results do not depend
    /// on the host's zone.
    /// </summary>
    public ExpressionEvaluator(SandboxLimits? limits, int cacheCapacity, TimeZoneInfo? timeZone)
        : this(limits, cacheCapacity, timeZone, null)
    {
    }

    /// <summary>
    /// An evaluator as above whose scripts read the time from <paramref name="clock"/>: <c>new Date()</c> and
    /// <c>Date.now()</c> return what it says (an engine passes its virtual clock, so a script run by a timer sees
    /// the timer's due time). Null means the host's real time.
    /// </summary>
    public ExpressionEvaluator(SandboxLimits? limits, int cacheCapacity, TimeZoneInfo? timeZone, Func<DateTimeOffset>? clock)
    {
        _clock = clock;
        _timeZone = timeZone ?? TimeZoneInfo.Utc;
        _limits = limits ?? SandboxLimits.Default;
        _limits.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cacheCapacity);
        _cache = new ScriptCache(cacheCapacity);
        _pool = new EnginePool(CreateEngine);
    }

    /// <summary>The limits every evaluation runs under.</summary>
    public SandboxLimits Limits => _limits;

    /// <summary>
    /// The FEEL language, when the engine offers it: an expression written as <c>= …</c> (Camunda 8's form, and how a
    /// <c>language="feel"</c> condition reaches here) is handed to it instead of JavaScript. Null: no FEEL.
    /// </summary>
    public Func<string, IVariableScope, JsonNode?>? Feel { get; init; }

    /// <summary>
    /// Host functions every expression and script can call by name (the engine offers the Frist functions:
    /// <c>frist(beginn, "P1M")</c>, <c>bekanntgabe(tag)</c>). Arguments and result are JSON values; a function reports bad
    /// arguments with an <see cref="ArgumentException"/>, which becomes a script error naming it. A process variable of the
    /// same name wins over a function.
    /// </summary>
    public IReadOnlyDictionary<string, Func<JsonNode?[], JsonNode?>>? Functions { get; init; }

    /// <summary>How many sources were parsed so far (cache misses); for tests and metrics.</summary>
    public long ParseCount => _cache.ParseCount;

    /// <summary>How many pooled engines read-only expressions needed so far; for tests.</summary>
    internal long PooledEnginesCreated => _pool.Created;

    /// <summary>How many parsed sources the cache holds now.</summary>
    public int CachedCount => _cache.Count;

    /// <summary>
    /// Evaluates a JavaScript expression, plain (<c>amount &gt; 100</c>) or wrapped (<c>${amount &gt; 100}</c>,
    /// <c>#{...}</c>), with simple JUEL operators translated (see <see cref="ExpressionSource"/>).
    /// Text around wrapped parts makes a string template (<c>Antrag ${nr}</c>).
    /// </summary>
    public JsonNode? Evaluate(string expression, IVariableScope variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(variables);
        if (Feel is not null && expression.TrimStart().StartsWith('=')) return Feel(expression.TrimStart()[1..], variables);
        CheckLength(expression, "expression");
        var prepared = Prepare("e:" + expression, () => "(\n" + ExpressionSource.ToJavaScript(expression) + "\n)", "expression");
        return Run(prepared, variables, "expression");
    }

    /// <summary>Evaluates an expression that must yield a boolean (a sequence flow condition, a completion condition).</summary>
    public bool EvaluateCondition(string expression, IVariableScope variables)
    {
        var result = Evaluate(expression, variables);
        if (result is JsonValue value && value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
            return value.GetValueKind() == System.Text.Json.JsonValueKind.True;
        throw new ScriptException($"condition '{expression}' did not evaluate to a boolean but to {Describe(result)}");
    }

    /// <summary>
    /// Runs a JavaScript script (statements) with process variables in scope by name and <c>execution</c> bound;
    /// returns the completion value (what <c>camunda:resultVariable</c> stores). Assigning to a variable's name
    /// changes only the script's copy; <c>execution.setVariable</c> stores.
    /// </summary>
    public JsonNode? RunScript(string script, IScriptExecution execution)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(execution);
        CheckLength(script, "script");
        var prepared = Prepare("s:" + script, () => script, "script");
        return Run(prepared, execution, "script");
    }

    private void CheckLength(string source, string what)
    {
        if (source.Length > _limits.MaxSourceLength)
            throw new ScriptException($"{what} is {source.Length} characters long, more than the limit of {_limits.MaxSourceLength}");
    }

    private CompiledSource Prepare(string key, Func<string> toJavaScript, string what)
    {
        try
        {
            return _cache.GetOrParse(key, toJavaScript);
        }
        catch (ScriptException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw Translate(ex, what);
        }
    }

    private JsonNode? Run(CompiledSource compiled, IVariableScope variables, string what)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var result = compiled.ReusesEngine ? RunPooled(compiled, variables) : RunFresh(compiled, variables, what);
            ok = true;
            return result;
        }
        catch (ScriptException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw Translate(ex, what);
        }
        finally
        {
            ScriptTelemetry.Record(what, started, ok);
        }
    }

    private JsonNode? RunFresh(CompiledSource compiled, IVariableScope variables, string what)
    {
        using var engine = CreateEngine();
        if (compiled.NeedsGuards)
            SandboxGuards.Install(engine, _limits, what);
        var prepared = compiled.Prepared;
        new VariableBindings(engine, variables, Functions).Bind(prepared.ReferencedGlobals, compiled.DeclaredGlobals);
        return JsBridge.FromJs(engine.Evaluate(prepared));
    }

    /// <summary>
    /// A read-only expression on a pooled engine. Jint resets its statement, time and memory counters at the start
    /// of every Evaluate, so the limits count this evaluation alone. The engine goes back to the pool only when the
    /// evaluation finished and its variables were removed again; after a failure it is dropped, whatever state the
    /// failure left it in.
    /// </summary>
    private JsonNode? RunPooled(CompiledSource compiled, IVariableScope variables)
    {
        var engine = _pool.Rent();
        var bindings = new VariableBindings(engine, variables, Functions);
        JsonNode? result;
        try
        {
            var prepared = compiled.Prepared;
            bindings.Bind(prepared.ReferencedGlobals, compiled.DeclaredGlobals);
            result = JsBridge.FromJs(engine.Evaluate(prepared));
        }
        catch
        {
            engine.Dispose();
            throw;
        }
        if (bindings.Unbind())
            _pool.Return(engine);
        else
            engine.Dispose();
        return result;
    }

    private Engine CreateEngine()
    {
        var limits = _limits;
        var timeZone = _timeZone;
        var clock = _clock;
        var engine = new Engine(o =>
        {
            o.LocalTimeZone(timeZone);
            if (clock is not null)
                o.TimeSystem = new ClockTimeSystem(new DefaultTimeSystem(timeZone, o.Culture), clock);
            o.LimitMemory(limits.MemoryBytes);
            o.TimeoutInterval(limits.Timeout);
            o.MaxStatements(limits.MaxStatements);
            o.LimitRecursion(limits.RecursionDepth);
            o.DisableStringCompilation();
            o.Strict(false);
            o.Constraints.RegexTimeout = limits.Timeout;
            o.Constraints.MaxArraySize = MaxArrayLength;
            // Built-ins that recurse in C# (JSON.stringify, Array.prototype.flat, String(nestedArray)) would otherwise
            // overflow the process stack on deeply nested values and kill the whole host.
            o.Constraints.StackOverflowGuard = true;
        });
        if (Functions is { } functions)
            foreach (var (name, function) in functions)
                engine.SetValue(name, HostFunction(engine, name, function));
        return engine;
    }

    private static Jint.Runtime.Interop.ClrFunction HostFunction(Engine engine, string name, Func<JsonNode?[], JsonNode?> function) =>
        new(engine, name, (_, args) =>
        {
            JsonNode? result;
            try { result = function(args.Select(JsBridge.FromJs).ToArray()); }
            catch (ArgumentException e) { throw new ScriptException(e.Message); }
            return JsBridge.ToJs(engine, result);
        });

    internal ScriptException Translate(Exception ex, string what) => ex switch
    {
        JavaScriptException js => new ScriptException(DescribeJsError(js)),
        TimeoutException => new ScriptException($"{what} exceeded its time limit of {_limits.DescribeTimeout()}"),
        StatementsCountOverflowException => new ScriptException($"{what} exceeded its limit of {_limits.MaxStatements} statements"),
        MemoryLimitExceededException => new ScriptException($"{what} exceeded its memory limit of {_limits.DescribeMemory()}"),
        RecursionDepthOverflowException r => new ScriptException($"{what} exceeded its recursion depth limit of {_limits.RecursionDepth}" + (string.IsNullOrEmpty(r.CallExpressionReference) ? "" : $" (calling {r.CallExpressionReference})")),
        ScriptPreparationException { InnerException: InsufficientExecutionStackException } => new ScriptException($"SyntaxError: {what} is nested too deeply to parse"),
        ScriptPreparationException p => new ScriptException($"SyntaxError: {(p.InnerException ?? p).Message}"),
        Acornima.ParseErrorException p => new ScriptException($"SyntaxError: {p.Message}"),
        ExecutionCanceledException => new ScriptException($"{what} was cancelled"),
        InsufficientExecutionStackException => new ScriptException($"{what} nests too deeply"),
        _ => new ScriptException($"{what} failed: {ex.Message}"),
    };

    private static string DescribeJsError(JavaScriptException js)
    {
        var error = js.Error;
        if (error is Jint.Native.Object.ObjectInstance obj)
        {
            // Only data properties are read: a getter on a thrown object must not run outside the sandbox limits.
            var name = ReadDataString(obj, "name");
            var message = ReadDataString(obj, "message");
            if (name is not null && message is not null)
                return message.Length == 0 ? name : $"{name}: {message}";
            if (message is not null)
                return $"Error: {message}";
            return "Uncaught exception (an object without a message)";
        }
        return error.Type switch
        {
            Types.String => $"Uncaught '{error.AsString()}'",
            Types.Number or Types.Boolean or Types.Null or Types.Undefined => $"Uncaught {error}",
            _ => "Uncaught exception",
        };
    }

    private static string? ReadDataString(Jint.Native.Object.ObjectInstance? obj, string key)
    {
        for (var depth = 0; obj is not null && depth < 16; depth++, obj = obj.Prototype)
        {
            var descriptor = obj.GetOwnProperty(key);
            if (descriptor == Jint.Runtime.Descriptors.PropertyDescriptor.Undefined)
                continue;
            return descriptor.IsDataDescriptor() && descriptor.Value.IsString() ? descriptor.Value.AsString() : null;
        }
        return null;
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => $"the string {v.ToJsonString()}",
            System.Text.Json.JsonValueKind.Number => $"the number {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };
}
