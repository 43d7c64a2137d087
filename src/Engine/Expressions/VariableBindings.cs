using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Puts process variables and the <c>execution</c> object into one engine's global scope.
/// Only names the script references are bound, each lazily: the first read converts the variable
/// (a deep copy) and replaces the binding with a plain writable data property.
/// Standard JavaScript globals (Math, JSON, Date, …) win over variables of the same name;
/// such variables stay reachable through <c>execution.getVariable(name)</c>.
/// </summary>
internal sealed class VariableBindings
{
    internal const string ExecutionName = "execution";

    private readonly Engine _engine;
    private readonly IVariableScope _scope;
    private readonly HashSet<string> _bound = new(StringComparer.Ordinal);
    private bool _executionBound;

    private readonly IReadOnlyDictionary<string, Func<JsonNode?[], JsonNode?>>? _functions;

    /// <param name="functions">Host functions on the global object: a variable of the same name hides one.</param>
    public VariableBindings(Engine engine, IVariableScope scope, IReadOnlyDictionary<string, Func<JsonNode?[], JsonNode?>>? functions = null)
    {
        _engine = engine;
        _scope = scope;
        _functions = functions;
    }

    public void Bind(Jint.ReferencedGlobals? referenced, string[] declared)
    {
        var global = _engine.Global;
        IEnumerable<string> names = referenced is null || referenced.HasDirectEvalCall ? _scope.VariableNames : referenced.Concat(declared);
        foreach (var name in names)
        {
            if (name == ExecutionName || global.HasProperty(name) && _functions?.ContainsKey(name) != true || !_scope.TryGetVariable(name, out _))
                continue;
            BindLazily(global, name);
        }
        // Built only when the source names it: `execution` cannot be reached any other way.
        if (referenced is null || referenced.HasDirectEvalCall || referenced.Contains(ExecutionName))
        {
            global.FastSetDataProperty(ExecutionName, CreateExecutionObject());
            _executionBound = true;
        }
    }

    /// <summary>
    /// Removes every name <see cref="Bind"/> put on the global object, so the engine can serve the next evaluation
    /// without this one's variables. False when one could not be removed (the engine must then not be reused).
    /// </summary>
    public bool Unbind()
    {
        var global = _engine.Global;
        var removed = true;
        foreach (var name in _bound)
            // A variable that hid a host function took its place on this engine: deleting it leaves no function behind,
            // so such an engine is not reused (a fresh one has the function again).
            removed &= global.Delete(name) && _functions?.ContainsKey(name) != true;
        if (_executionBound)
            removed &= global.Delete(ExecutionName);
        return removed;
    }

    private void BindLazily(ObjectInstance global, string name)
    {
        _bound.Add(name);
        var getter = new ClrFunction(_engine, "get " + name, (_, _) =>
        {
            var value = _scope.TryGetVariable(name, out var node) ? JsBridge.ToJs(_engine, node) : JsValue.Undefined;
            Materialize(name, value);
            return value;
        });
        var setter = new ClrFunction(_engine, "set " + name, (_, args) =>
        {
            Materialize(name, args.Length > 0 ? args[0] : JsValue.Undefined);
            return JsValue.Undefined;
        });
        global.DefineOwnProperty(name, new GetSetPropertyDescriptor(getter, setter, enumerable: true, configurable: true));
    }

    private void Materialize(string name, JsValue value) =>
        _engine.Global.DefineOwnProperty(name, new PropertyDescriptor(value, writable: true, enumerable: true, configurable: true));

    private JsObject CreateExecutionObject()
    {
        var execution = new JsObject(_engine);
        var scriptExecution = _scope as IScriptExecution;

        Add(execution, "getVariable", 1, args => Get(ArgName(args, "getVariable"), local: false));
        Add(execution, "getVariableLocal", 1, args => Get(ArgName(args, "getVariableLocal"), local: true));
        Add(execution, "hasVariable", 1, args => _scope.TryGetVariable(ArgName(args, "hasVariable"), out _) ? JsBoolean.True : JsBoolean.False);
        Add(execution, "getVariableNames", 0, _ => new JsArray(_engine, _scope.VariableNames.Select(n => (JsValue)JsString.Create(n)).ToArray()));
        Add(execution, "setVariable", 2, args =>
        {
            var target = Require(scriptExecution, "setVariable");
            var name = ArgName(args, "setVariable");
            var value = JsBridge.FromJs(args.Length > 1 ? args[1] : JsValue.Undefined);
            target.SetVariable(name, value);
            Refresh(name, value);
            return JsValue.Undefined;
        });
        Add(execution, "setVariableLocal", 2, args =>
        {
            var target = Require(scriptExecution, "setVariableLocal");
            var name = ArgName(args, "setVariableLocal");
            var value = JsBridge.FromJs(args.Length > 1 ? args[1] : JsValue.Undefined);
            target.SetVariableLocal(name, value);
            Refresh(name, value);
            return JsValue.Undefined;
        });
        Add(execution, "getProcessInstanceId", 0, _ => JsString.Create(Require(scriptExecution, "getProcessInstanceId").ProcessInstanceId));
        Add(execution, "getBusinessKey", 0, _ => Require(scriptExecution, "getBusinessKey").BusinessKey is { } key ? JsString.Create(key) : JsValue.Null);
        Add(execution, "getProcessBusinessKey", 0, _ => Require(scriptExecution, "getProcessBusinessKey").BusinessKey is { } key ? JsString.Create(key) : JsValue.Null);
        Add(execution, "getCurrentActivityId", 0, _ => JsString.Create(Require(scriptExecution, "getCurrentActivityId").ActivityId));
        Add(execution, "getActivityId", 0, _ => JsString.Create(Require(scriptExecution, "getActivityId").ActivityId));
        if (scriptExecution is not null)
        {
            // JUEL reads bean properties: ${execution.processInstanceId}, ${execution.businessKey}, ${execution.currentActivityId}.
            execution.FastSetDataProperty("processInstanceId", JsString.Create(scriptExecution.ProcessInstanceId));
            var businessKey = scriptExecution.BusinessKey is { } key ? JsString.Create(key) : JsValue.Null;
            execution.FastSetDataProperty("businessKey", businessKey);
            execution.FastSetDataProperty("processBusinessKey", businessKey);
            execution.FastSetDataProperty("activityId", JsString.Create(scriptExecution.ActivityId));
            execution.FastSetDataProperty("currentActivityId", JsString.Create(scriptExecution.ActivityId));
        }
        return execution;
    }

    private JsValue Get(string name, bool local)
    {
        JsonNode? node;
        var found = local && _scope is IScriptExecution execution
            ? execution.TryGetVariableLocal(name, out node)
            : _scope.TryGetVariable(name, out node);
        return found ? JsBridge.ToJs(_engine, node) : JsValue.Null;
    }

    /// <summary>After setVariable, a bound name read later in the same script sees the new value.</summary>
    private void Refresh(string name, JsonNode? value)
    {
        if (_bound.Contains(name))
            Materialize(name, JsBridge.ToJs(_engine, value));
    }

    private void Add(JsObject target, string name, int length, Func<JsValue[], JsValue> body) =>
        target.FastSetDataProperty(name, new ClrFunction(_engine, name, (_, args) => body(args), length));

    private static string ArgName(JsValue[] args, string method)
    {
        if (args.Length == 0 || !args[0].IsString())
            throw new ScriptException($"execution.{method} needs a variable name (a string) as its first argument");
        return args[0].AsString();
    }

    private static IScriptExecution Require(IScriptExecution? execution, string method) =>
        execution ?? throw new ScriptException($"execution.{method} is not available in this expression");
}
