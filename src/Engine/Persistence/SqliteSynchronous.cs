namespace EGov.Workflows.Persistence;

/// <summary>
/// When a SQLite commit waits for the disk (<c>PRAGMA synchronous</c>; the store always runs in WAL mode). Written in the
/// store spec as <c>sqlite:PATH?synchronous=normal|full</c>.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// The default. A commit is appended to the WAL without waiting for the disk; the WAL is synced at checkpoints.
    /// A committed command survives a crash or kill of the process (the OS holds the written pages), but the last
    /// commits before a power loss or OS crash may be rolled back (the database stays consistent). No fsync per command:
    /// thousands of commits per second instead of the disk's few hundred.
    /// </summary>
    Normal,

    /// <summary>Every commit waits until the WAL is on the disk (one fsync per command): survives a power loss too.</summary>
    Full,
}
