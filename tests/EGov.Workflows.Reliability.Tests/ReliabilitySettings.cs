namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// Sizes of a run, from the environment. CI runs the small default; <c>EGOV_RELIABILITY_FULL=1</c> runs the full size
/// (1,000 instances and 5 kills on SQLite, 2,000 instances on three PostgreSQL nodes). <c>EGOV_RELIABILITY_INSTANCES</c>
/// and <c>EGOV_RELIABILITY_KILLS</c> override either; <c>EGOV_RELIABILITY_SEED</c> replays the kill moments of a run.
/// </summary>
public sealed record ReliabilitySettings(int Instances, int Kills, int Seed)
{
    public const string FullVariable = "EGOV_RELIABILITY_FULL";
    public const string InstancesVariable = "EGOV_RELIABILITY_INSTANCES";
    public const string KillsVariable = "EGOV_RELIABILITY_KILLS";
    public const string SeedVariable = "EGOV_RELIABILITY_SEED";

    public static bool Full => Environment.GetEnvironmentVariable(FullVariable) is "1" or "true";

    /// <summary>The settings for one test, given its CI and full sizes.</summary>
    public static ReliabilitySettings For(int ciInstances, int fullInstances, int ciKills = 3, int fullKills = 5) => new(
        Number(InstancesVariable) ?? (Full ? fullInstances : ciInstances),
        Math.Max(Number(KillsVariable) ?? (Full ? fullKills : ciKills), 0),
        Number(SeedVariable) ?? Random.Shared.Next(1, int.MaxValue));

    /// <summary>How to run this again with the same kill moments (printed with every failure).</summary>
    public string Replay => $"{SeedVariable}={Seed} {InstancesVariable}={Instances} {KillsVariable}={Kills}";

    private static int? Number(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) && n >= 0 ? n : null;
}
