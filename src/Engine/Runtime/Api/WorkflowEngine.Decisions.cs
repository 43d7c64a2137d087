using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Runtime.Decisions;

namespace EGov.Workflows.Runtime;

// Decisions: deployed and versioned like processes, evaluated by business rule tasks and on their own.
public sealed partial class WorkflowEngine
{
    /// <summary>The engine's deployed decisions and their evaluation log.</summary>
    public DecisionRepository Decisions => _core.Decisions;

    /// <summary>Deploys the decisions of DMN files (all or nothing; unchanged ones keep their version).</summary>
    public IReadOnlyList<DeployedDecision> DeployDecisions(IEnumerable<(string File, DmnDefinitions Definitions)> files) => _core.Decisions.Deploy(files);

    /// <summary>Evaluates the latest (or the given) version of a decision with variables; the result and the audit are kept in the store.</summary>
    public DecisionEvaluationRecord EvaluateDecision(string key, JsonObject? variables, int? version = null) =>
        _core.Decisions.EvaluateAndLog(key, variables, version);

    /// <summary>Decision evaluations of a root instance tree (its business rule tasks and those of the instances it called), oldest first.</summary>
    public IReadOnlyList<DecisionEvaluationRecord> DecisionHistory(string rootInstanceId) => _core.Decisions.HistoryOfTree(rootInstanceId);
}
