using System.Diagnostics;

namespace EGov.Workflows.Host.Health;

/// <summary>
/// Where a node's start went (issue 15: start to ready with 580 definitions ≤ 3 s): each phase of
/// <see cref="EGovServer.Build"/> with its wall time and this process's CPU time, logged at Debug
/// (category <c>EGov.Workflows.Host.Start</c>) and readable from the server's services (the bench reports them).
/// </summary>
public sealed class StartTimings
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly List<StartPhase> _phases = [];
    private TimeSpan _lastWall;
    private TimeSpan _lastCpu = Cpu();

    /// <summary>When the first phase began (UTC).</summary>
    public DateTime Started { get; } = DateTime.UtcNow;

    /// <summary>The phases so far, in order.</summary>
    public IReadOnlyList<StartPhase> Phases
    {
        get { lock (_lock) return _phases.ToList(); }
    }

    /// <summary>Ends the phase that ran since the last mark (or since this was made) under <paramref name="name"/>.</summary>
    public void Mark(string name)
    {
        lock (_lock)
        {
            var wall = _wall.Elapsed;
            var cpu = Cpu();
            _phases.Add(new StartPhase(name, wall - _lastWall, cpu - _lastCpu));
            _lastWall = wall;
            _lastCpu = cpu;
        }
    }

    /// <summary>One line: <c>name 123 ms (98 CPU ms), …</c>.</summary>
    public override string ToString() =>
        string.Join(", ", Phases.Select(p => $"{p.Name} {p.Wall.TotalMilliseconds:0} ms ({p.Cpu.TotalMilliseconds:0} CPU ms)"));

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;
}

/// <summary>One phase of a node's start: its wall time and the process's CPU time meanwhile (all threads).</summary>
public sealed record StartPhase(string Name, TimeSpan Wall, TimeSpan Cpu);
