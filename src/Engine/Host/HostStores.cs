using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host;

/// <summary>
/// Turns <c>--store</c> into a runtime store. <c>memory</c> is the in-memory store. <c>sqlite:PATH</c> and
/// <c>postgres:CONNECTION</c> need the durable stores (src/Engine/Persistence); until that project is part of the
/// build they fall back to memory, and <see cref="StoreChoice.Note"/> says so on start.
/// </summary>
public static class HostStores
{
    /// <summary>Flips to true (and <see cref="CreateDurable"/> calls the persistence layer) once durable stores are built.</summary>
    public const bool DurableStoresAvailable = false;

    public static StoreChoice Open(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var kind = spec.Split(':', 2)[0];
        switch (kind)
        {
            case "memory":
                return new StoreChoice(new InMemoryRuntimeStore(), "memory", Durable: false, Note: "state is kept in memory and lost when the server stops");
            case "sqlite" or "postgres" when spec.Length > kind.Length + 1:
                return CreateDurable(spec);
            case "sqlite" or "postgres":
                throw new ArgumentException($"--store {kind}: needs a {(kind == "sqlite" ? "path, e.g. sqlite:./data/egov.db" : "connection string, e.g. postgres:Host=127.0.0.1;Database=egov")}");
            default:
                throw new ArgumentException($"--store '{spec}': expected memory, sqlite:PATH or postgres:CONNECTION");
        }
    }

    private static StoreChoice CreateDurable(string spec) =>
        new(new InMemoryRuntimeStore(), "memory", Durable: false,
            Note: $"{Describe(spec)} is not available in this build yet (durable stores are being built): using memory; state is lost when the server stops");

    /// <summary>The store spec without a PostgreSQL password, for printing.</summary>
    public static string Describe(string spec) =>
        spec.StartsWith("postgres:", StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(spec, "(?i)(password|pwd)=[^;]*", "$1=***")
            : spec;
}

/// <summary>The store the server runs on, how to print it, and a note for the start banner (fallbacks, data loss).</summary>
public sealed record StoreChoice(IRuntimeStore Store, string Description, bool Durable, string? Note);
