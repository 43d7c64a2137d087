using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace EGov.Workflows.Bench.Peers;

public sealed class BenchData
{
    public string Route { get; set; } = "a";
    public string Key { get; set; } = "";
}

/// <summary>A step that returns at once (the bench's no-op activity).</summary>
public sealed class Noop : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context) => ExecutionResult.Next();
}

public sealed class W1Workflow : IWorkflow<BenchData>
{
    public string Id => "W1";
    public int Version => 1;

    public void Build(IWorkflowBuilder<BenchData> builder)
    {
        var b = builder.StartWith<Noop>();
        for (var i = 2; i <= 10; i++) b = b.Then<Noop>();
    }
}

public sealed class W2Workflow : IWorkflow<BenchData>
{
    public string Id => "W2";
    public int Version => 1;

    public void Build(IWorkflowBuilder<BenchData> builder) =>
        builder.StartWith<Noop>()
            .Parallel()
                .Do(b => b.StartWith<Noop>().Then<Noop>())
                .Do(b => b.StartWith<Noop>().Then<Noop>())
                .Do(b => b.StartWith<Noop>().Then<Noop>())
                .Do(b => b.StartWith<Noop>().Then<Noop>())
            .Join()
            .Decide(d => d.Route)
                .Branch("a", builder.CreateBranch().StartWith<Noop>())
                .Branch("b", builder.CreateBranch().StartWith<Noop>());
}

public sealed class W3Workflow : IWorkflow<BenchData>
{
    public string Id => "W3";
    public int Version => 1;

    public void Build(IWorkflowBuilder<BenchData> builder) =>
        builder.StartWith<Noop>()
            .WaitFor("review", (d, _) => d.Key, _ => DateTime.MinValue)
            .Then<Noop>();
}
