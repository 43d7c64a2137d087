using System.Text.Json.Nodes;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>The SQLite write-ahead log stays bounded under sustained writes and returns under its limit when the store is idle.</summary>
public sealed class WalBoundTests
{
    private const long Limit = 256 * 1024;

    [Fact]
    public void SustainedCommits_KeepTheWalUnderTheLimitPlusOneCommit_AndIdleTruncatesIt()
    {
        using var db = TestDatabases.Create("sqlite");
        using var store = new EfRuntimeStore(db.Options with { WalSizeLimit = Limit });
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var payload = new string('w', 8_000);
        long peak = 0;

        // About 50 MB through the WAL (each start writes some 20 pages: document, index and history rows): 200 times the limit.
        for (var i = 0; i < 600; i++)
        {
            engine.StartProcess("Antrag", new JsonObject { ["text"] = payload + i });
            peak = Math.Max(peak, store.WalBytes);
        }

        peak.ShouldBeLessThanOrEqualTo(Limit + 128 * 1024, $"peak {peak} bytes");
        store.PeakWalBytes.ShouldBeGreaterThanOrEqualTo(peak);
        Eventually(() => store.WalBytes <= Limit, TimeSpan.FromSeconds(30)).ShouldBeTrue($"WAL {store.WalBytes} bytes after idle");
        CommitTests.CountRows(db, "instances").ShouldBe(600);
    }

    [Fact]
    public async Task ConcurrentWritersAndReaders_KeepTheWalBounded()
    {
        using var db = TestDatabases.Create("sqlite");
        using var store = new EfRuntimeStore(db.Options with { WalSizeLimit = Limit });
        var engine = Models.Deployed(store, Models.Clock(), Models.Antrag());
        var payload = new string('w', 8_000);
        long peak = 0;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 75; i++)
            {
                engine.StartProcess("Antrag", new JsonObject { ["text"] = payload + i });
                var size = store.WalBytes;
                lock (store) peak = Math.Max(peak, size);
            }
        })).ToList();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!writers.TrueForAll(t => t.IsCompleted)) store.OpenUserTasks("default");
        })).ToList();
        await Task.WhenAll([.. writers, .. readers]);

        // A group holds at most the four writers' change sets; a truncation a reader was in the way of is tried again at the
        // next commit: the bound is the limit plus a few groups.
        peak.ShouldBeLessThanOrEqualTo(Limit + 4 * 4 * 128 * 1024, $"peak {peak} bytes");
        Eventually(() => store.WalBytes <= Limit, TimeSpan.FromSeconds(30)).ShouldBeTrue($"WAL {store.WalBytes} bytes after idle");
    }

    [Theory]
    [InlineData("sqlite:/tmp/x.db?wal_limit=64MB", 64L * 1024 * 1024)]
    [InlineData("sqlite:/tmp/x.db?synchronous=full&wal_limit=512kb", 512L * 1024)]
    [InlineData("sqlite:/tmp/x.db", DurableStoreOptions.DefaultWalSizeLimit)]
    public void Parse_WalLimit(string spec, long bytes) => DurableStoreOptions.Parse(spec).WalSizeLimit.ShouldBe(bytes);

    [Theory]
    [InlineData("sqlite:/tmp/x.db?wal_limit=1kb")]
    [InlineData("sqlite:/tmp/x.db?wal_limit=lots")]
    public void Parse_WalLimit_TooSmallOrNoSize_IsRefused(string spec) => Should.Throw<ArgumentException>(() => DurableStoreOptions.Parse(spec));

    /// <summary>Waits (bounded) for a condition the checkpoint thread brings about.</summary>
    private static bool Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) return false;
            Thread.Sleep(50);
        }
        return true;
    }
}
