using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Payment;
using EGov.Workflows.Host;
using EGov.Workflows.Persistence;
using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using static EGov.Workflows.Cli.Commands.IdentityCommandBase;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov payments report --from DATE --to DATE</c>: the payments of the cases started in the period (their variable
/// <c>zahlung</c>, written by <c>payment-request</c>), per Buchungsstelle, each with the provider's status as queried now,
/// and every mismatch flagged (<see cref="PaymentReconciliation"/>). Exit code 0: all fits; 1: mismatches; 2: wrong usage.
/// </summary>
public sealed class PaymentsCommand : ICliCommand
{
    public string Name => "payments";
    public string Summary => "payments report: what the cases expect vs. what the e-payment provider says, per Buchungsstelle, mismatches flagged";
    public string Usage => "payments report --from YYYY-MM-DD --to YYYY-MM-DD [--store S] [--tenant T] [--config FILE]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = Parse(args);
        if (words.FirstOrDefault() != "report" || words.Count != 1) throw new UsageException("./egov payments report --from YYYY-MM-DD --to YYYY-MM-DD");
        Only(options, "--from", "--to", "--store", "--tenant", "--config");
        var from = Date(options, "--from");
        var to = Date(options, "--to");
        if (to < from) throw new UsageException("--to is before --from");
        var tenant = options.GetValueOrDefault("--tenant") ?? Host.Tenancy.TenantEngines.DefaultTenant;
        if (!Host.Tenancy.TenantEngines.IsValidId(tenant)) throw new UsageException($"--tenant '{tenant}': 1–64 letters, digits, '.', '-' or '_'");
        var configuration = PackConfiguration.Read(options.GetValueOrDefault("--config"));
        var services = new ServiceCollection();
        services.AddEgovPayment(configuration);
        using var provider = services.BuildServiceProvider();
        var paymentOptions = provider.GetRequiredService<IOptionsMonitor<PaymentOptions>>().Get(tenant);
        IPaymentProvider payments = paymentOptions.Provider == PaymentProviderKind.Offline
            ? provider.GetRequiredService<OfflinePaymentProvider>() : provider.GetRequiredService<XBezahldiensteProvider>();
        if (paymentOptions.Provider != PaymentProviderKind.Offline && string.IsNullOrWhiteSpace(paymentOptions.BaseUrl))
        {
            stderr.WriteLine($"payments report: the setting {Sdk.PackServiceCollectionExtensions.SettingKeys(PaymentOptions.Section, tenant, "BaseUrl")} is missing (give --config FILE or EGOV_Packs__Payment__BaseUrl)");
            return 2;
        }

        using var store = OpenStore(options);
        var expected = Expected(store, tenant, from, to);
        var rows = PaymentReconciliation.ReconcileAsync(expected, payments, paymentOptions, tenant, CancellationToken.None).GetAwaiter().GetResult();
        Print(rows, from, to, tenant, stdout);
        return rows.Any(r => r.Abweichungen.Count > 0) ? 1 : 0;
    }

    /// <summary>The payments of the root instances started from <paramref name="from"/> to <paramref name="to"/> (inclusive, UTC days).</summary>
    internal static List<ExpectedPayment> Expected(IRuntimeStore store, string tenant, LocalDate from, LocalDate to)
    {
        var query = new InstanceQuery(StartedFrom: from.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(), StartedTo: to.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant());
        var result = new List<ExpectedPayment>();
        for (var offset = 0; ; offset += 500)
        {
            var page = store.InstancesPage(tenant, query, offset, 500);
            foreach (var row in page.Items)
            {
                var history = store.VariableHistory(tenant, row.Id);
                if (Last(history, "zahlung") is not JsonObject zahlung) continue;
                result.Add(new ExpectedPayment(row.Id, row.BusinessKey, row.EndedAt is not null, zahlung, Last(history, "erstattung") as JsonObject));
            }
            if (page.Items.Count < 500) return result;
        }
    }

    private static JsonNode? Last(IReadOnlyList<Runtime.State.VariableChangeRecord> history, string name) =>
        history.LastOrDefault(h => h.Name == name && h.NewValue is not null) is { NewValue: { } json } ? JsonNode.Parse(json) : null;

    private static void Print(IReadOnlyList<ReconciledPayment> rows, LocalDate from, LocalDate to, string tenant, TextWriter stdout)
    {
        stdout.WriteLine($"Zahlungen der Vorgänge vom {from:dd.MM.yyyy} bis {to:dd.MM.yyyy} (Mandant {tenant}), Stand beim Anbieter jetzt:");
        foreach (var group in rows.GroupBy(r => r.Buchungsstelle).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var paid = group.Where(r => PaymentStatus.Parse(r.CaseStatus) == PaymentState.Paid).Sum(r => r.Betrag ?? 0);
            stdout.WriteLine();
            stdout.WriteLine($"Buchungsstelle {group.Key}: {group.Count()} Zahlung(en), bezahlt {PaymentReconciliation.Euro(paid)} EUR");
            foreach (var r in group)
            {
                stdout.WriteLine($"  {(r.Abweichungen.Count > 0 ? "ABWEICHUNG" : "ok        ")} {r.Aktenzeichen ?? r.InstanceId,-20} {(r.Betrag is { } b ? PaymentReconciliation.Euro(b) : "?"),10} EUR  Vorgang {r.CaseStatus,-9} Anbieter {r.ProviderStatus ?? "-",-18} {r.TransactionId}");
                foreach (var a in r.Abweichungen) stdout.WriteLine($"             - {a}");
            }
        }
        var mismatches = rows.Count(r => r.Abweichungen.Count > 0);
        stdout.WriteLine();
        stdout.WriteLine($"{rows.Count} Zahlung(en), {mismatches} Abweichung(en)");
    }

    private static LocalDate Date(Dictionary<string, string> options, string name)
    {
        if (!options.TryGetValue(name, out var text)) throw new UsageException($"{name} YYYY-MM-DD is required");
        var parsed = LocalDatePattern.Iso.Parse(text);
        return parsed.Success ? parsed.Value : throw new UsageException($"{name} '{text}': expected YYYY-MM-DD");
    }

    private static EfRuntimeStore OpenStore(Dictionary<string, string> options)
    {
        var spec = options.GetValueOrDefault("--store") ?? ServeOptions.DefaultStore;
        if (spec.Trim() == "memory") throw new UsageException("--store memory keeps nothing after the command: give the server's store (sqlite:PATH or postgres:CONNECTION)");
        try { return HostStores.Open(spec).Store as EfRuntimeStore ?? throw new UsageException($"--store {HostStores.Describe(spec)}: not a database"); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        catch (StoreOpenException e) { throw new UsageException(e.Message); }
    }
}
