using System.Globalization;
using EGov.Workflows.Host;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Retention;
using NodaTime;
using static EGov.Workflows.Cli.Commands.IdentityCommandBase;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov cases</c>: the DSGVO side of cases on the server's store (issue 12). <c>tombstones</c> lists what is left of the
/// deleted cases (newest first, paged), <c>tombstone REF</c> shows one, <c>delete REF --reason TEXT</c> deletes an ended
/// case's personal data on request (Art. 17 DSGVO) and leaves a tombstone — the same as <c>POST /api/cases/{id}/deletion</c>.
/// REF is a case's instance id, its Vorgangsnummer (business key) or the Aktenzeichen the citizen was given.
/// Exit code 0: done; 1: refused (unknown, still running, several cases); 2: wrong usage.
/// </summary>
public sealed class CasesCommand : ICliCommand
{
    public string Name => "cases";
    public string Summary => "DSGVO: tombstones of deleted cases; delete an ended case's personal data on request (Art. 17), leaving a tombstone";
    public string Usage => "cases tombstones [--offset N] [--limit N] | cases tombstone REF | cases delete REF --reason TEXT [--rule TEXT] [--by NAME]   (each with [--store S] [--tenant T])";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = Parse(args);
        var verb = words.FirstOrDefault();
        var tenant = options.GetValueOrDefault("--tenant") ?? Host.Tenancy.TenantEngines.DefaultTenant;
        if (!Host.Tenancy.TenantEngines.IsValidId(tenant)) throw new UsageException($"--tenant '{tenant}': 1–64 letters, digits, '.', '-' or '_'");
        switch (verb)
        {
            case "tombstones" when words.Count == 1:
            {
                Only(options, "--store", "--tenant", "--offset", "--limit");
                var offset = Number(options, "--offset", 0, 0, int.MaxValue);
                var limit = Number(options, "--limit", 50, 1, 1000);
                using var store = OpenStore(options);
                var total = store.TombstoneCount(tenant);
                var page = store.Tombstones(tenant, offset, limit);
                stdout.WriteLine($"Grabsteine gelöschter Vorgänge (Mandant {tenant}): {total}, gezeigt {(page.Count == 0 ? "keiner" : $"{offset + 1}–{offset + page.Count}")}");
                foreach (var t in page)
                    stdout.WriteLine($"  {Day(t.DeletedAt)}  {t.Aktenzeichen ?? "-",-24} {t.RootInstanceId,-36} {t.ProcessId} v{t.ProcessVersion}  von {t.DeletedBy}: {t.Reason}");
                return 0;
            }
            case "tombstone" when words.Count == 2:
            {
                Only(options, "--store", "--tenant");
                using var store = OpenStore(options);
                switch (store.TombstonesNamed(tenant, words[1]))
                {
                    case [var t]: Print(t, stdout); return 0;
                    case []: stderr.WriteLine($"egov cases: zu '{words[1]}' gibt es keinen Grabstein (Mandant {tenant})"); return 1;
                    case var several:
                        stderr.WriteLine($"egov cases: '{words[1]}' nennt {several.Count} gelöschte Vorgänge: {string.Join(", ", several.Select(s => s.RootInstanceId))}");
                        return 1;
                }
            }
            case "delete" when words.Count == 2:
            {
                Only(options, "--store", "--tenant", "--reason", "--rule", "--by");
                var reason = options.GetValueOrDefault("--reason");
                if (string.IsNullOrWhiteSpace(reason)) throw new UsageException("--reason TEXT is required: why the case is deleted (it stays in the tombstone), e.g. \"Antrag nach Art. 17 DSGVO vom 01.12.2026\"");
                var by = options.GetValueOrDefault("--by") ?? "cli:" + Environment.UserName;
                var rule = options.GetValueOrDefault("--rule") ?? "Art. 17 Abs. 1 DSGVO";
                using var store = OpenStore(options);
                var reference = words[1];
                var roots = store.CasesNamed(tenant, reference);
                if (roots.Count > 1)
                {
                    stderr.WriteLine($"egov cases: '{reference}' nennt {roots.Count} Vorgänge ({string.Join(", ", roots)}); bitte die Vorgangskennung angeben");
                    return 1;
                }
                if (roots.Count == 0)
                {
                    if (store.TombstonesNamed(tenant, reference) is [var earlier])
                    {
                        stdout.WriteLine("Der Vorgang war schon gelöscht; nichts geändert.");
                        Print(earlier, stdout);
                        return 0;
                    }
                    stderr.WriteLine($"egov cases: es gibt keinen Vorgang '{reference}' (Vorgangskennung, Vorgangsnummer oder Aktenzeichen) im Mandanten {tenant}");
                    return 1;
                }
                try
                {
                    var result = store.DeleteCase(tenant, roots[0], new CaseDeletion(reason.Trim(), rule, by), SystemClock.Instance.GetCurrentInstant());
                    stdout.WriteLine(result.AlreadyDeleted ? "Der Vorgang war schon gelöscht; nichts geändert." : "Die personenbezogenen Daten des Vorgangs sind gelöscht; es bleibt dieser Grabstein:");
                    Print(result.Tombstone, stdout);
                    if (result.UnusedAttachmentHashes.Count > 0)
                        stdout.WriteLine($"  Anhangsinhalte ohne Vorgang: {result.UnusedAttachmentHashes.Count} (liegen die Anhänge in einem Ordner des Servers, dort löschen: {string.Join(", ", result.UnusedAttachmentHashes)})");
                    return 0;
                }
                catch (CaseDeletionRefusedException e)
                {
                    stderr.WriteLine(e.Reason == CaseDeletionRefusal.NotEnded
                        ? $"egov cases: der Vorgang '{reference}' läuft noch; ein laufender Vorgang wird nicht gelöscht (erst beenden)"
                        : $"egov cases: der Vorgang '{reference}' kann nicht gelöscht werden: {e.Message}");
                    return 1;
                }
            }
            default:
                throw new UsageException("./egov cases tombstones | cases tombstone REF | cases delete REF --reason TEXT");
        }
    }

    private static void Print(CaseTombstone t, TextWriter stdout)
    {
        stdout.WriteLine($"  Vorgang       {t.RootInstanceId} ({t.ProcessId} v{t.ProcessVersion})");
        stdout.WriteLine($"  Aktenzeichen  {t.Aktenzeichen ?? "-"}");
        stdout.WriteLine($"  lief          {Day(t.StartedAt)} bis {Day(t.EndedAt)}");
        stdout.WriteLine($"  gelöscht      {t.DeletedAt.InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)} von {t.DeletedBy}");
        stdout.WriteLine($"  Grund         {t.Reason}");
        stdout.WriteLine($"  Regel         {t.Rule}");
        if (t.Aussonderung is not null) stdout.WriteLine($"  Aussonderung  {t.Aussonderung}{(t.Archivkennung is null ? "" : $" ({t.Archivkennung})")}");
        stdout.WriteLine($"  gelöschte Zeilen: {string.Join(", ", t.Deleted.Select(kv => $"{kv.Key} {kv.Value}"))}");
    }

    private static string Day(Instant i) => i.InZone(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    private static int Number(Dictionary<string, string> options, string name, int fallback, int min, int max)
    {
        if (!options.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : throw new UsageException($"{name} '{text}': expected a whole number from {min} to {max}");
    }

    private static EfRuntimeStore OpenStore(Dictionary<string, string> options)
    {
        var spec = options.GetValueOrDefault("--store") ?? ServeOptions.DefaultStore;
        if (spec.Trim() == "memory") throw new UsageException("--store memory keeps nothing: give the server's store (sqlite:PATH or postgres:CONNECTION)");
        try { return HostStores.Open(spec).Store as EfRuntimeStore ?? throw new UsageException($"--store {HostStores.Describe(spec)}: not a database"); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        catch (StoreOpenException e) { throw new UsageException(e.Message); }
    }
}
