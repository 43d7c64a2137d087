using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Behaviours;

/// <summary>What a behaviour works with: the token at its node, within its instance, within the command.</summary>
internal sealed class ActivityExecution(Runner runner, Inst inst, TokenState token, Node node)
{
    public Runner Runner { get; } = runner;
    public Inst Inst { get; } = inst;
    public TokenState Token { get; } = token;
    public Node Node { get; } = node;
    public NodaTime.Instant Now => Runner.Now;

    /// <summary>The variables as the token sees them (one view per execution: behaviours ask for it more than once).</summary>
    public VariableScope Variables => _variables ??= new(Inst, Token);
    private VariableScope? _variables;

    /// <summary>A variable's value as the token sees it, or null (the view is made only when an activity asks).</summary>
    public System.Text.Json.Nodes.JsonNode? VariableOrNull(string name) => Variables.GetOrNull(name);

    /// <summary>A separate view whose writes wait for <see cref="VariableScope.Flush"/> (a script that throws changes nothing).</summary>
    public VariableScope BufferedVariables() => new VariableScope(Inst, Token).Buffered();

    public void SetVariables(JsonObject? variables) => Variables.SetAll(variables);

    /// <summary>The element completed: leave by the outgoing flows that hold (or end the token).</summary>
    public void Leave() => Runner.Leave(Inst, Token);

    /// <summary>Wait for an outside trigger.</summary>
    public void Wait() => Token.Status = TokenStatus.Waiting;

    /// <summary>Leave by every outgoing flow, no conditions (parallel gateway).</summary>
    public void LeaveAll()
    {
        Runner.Record(Inst, Token, Node, completed: true);
        Runner.TakeFlows(Inst, Token, Node.Outgoing);
    }

    /// <summary>Leave by the flows whose conditions hold (inclusive), or the first (exclusive); else the default flow.</summary>
    public void LeaveSelected()
    {
        var all = Node.Kind != NodeKind.ExclusiveGateway;
        var flows = Node.Outgoing.Count == 0 ? [] : Runner.SelectFlows(Inst, Token, Node, all);
        Runner.Record(Inst, Token, Node, completed: true);
        Runner.TakeFlows(Inst, Token, flows);
    }

    public void Listen(Node catchNode) => Runner.Listen(Inst, catchNode, Token, null);
}
