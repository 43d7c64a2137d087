namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// Which tenants (Mandanten) exist on this installation, so that an operator's request (an identity of every tenant, "*")
/// naming an unknown tenant in <c>X-Tenant</c> is a 404 and creates nothing — no engine, no state. A tenant is known when
/// it is the server's default tenant, is named in the configuration (<c>Tenants:&lt;id&gt;</c> or <see cref="ServeOptions.Tenants"/>),
/// is a tenant of any account or client, or already holds deployments in the store. The identities' tenants are read again
/// at most every few seconds when an unknown id is asked for (an account added by <c>./egov users add</c> while the server
/// runs counts at once), so probing many ids costs one read per interval, not one per request.
/// </summary>
public sealed class TenantDirectory
{
    /// <summary>How often a miss may read the identities' tenants again.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private readonly HashSet<string> _configured;
    private readonly Func<CancellationToken, Task<IReadOnlyCollection<string>>>? _identityTenants;
    private readonly Func<string, bool>? _hasStoredData;
    private readonly Lock _refresh = new();
    private volatile HashSet<string> _identities = new(StringComparer.Ordinal);
    private long _lastRead = long.MinValue / 2;

    /// <param name="configured">Tenants named by configuration (and the default tenant).</param>
    /// <param name="identityTenants">Reads the tenants of every account and client (null: none).</param>
    /// <param name="hasStoredData">Whether the store already holds deployments of a tenant (null: never).</param>
    public TenantDirectory(IEnumerable<string> configured, Func<CancellationToken, Task<IReadOnlyCollection<string>>>? identityTenants = null,
        Func<string, bool>? hasStoredData = null)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _configured = new HashSet<string>(configured.Where(t => t != "*"), StringComparer.Ordinal);
        _identityTenants = identityTenants;
        _hasStoredData = hasStoredData;
    }

    /// <summary>Every tenant id is known (the in-process tests of the runtime, the memory store without identities).</summary>
    public static TenantDirectory Open { get; } = new([]) { _open = true };

    private bool _open;

    /// <summary>Whether <paramref name="tenantId"/> is a tenant of this installation.</summary>
    public bool IsKnown(string tenantId)
    {
        if (_open || _configured.Contains(tenantId) || _identities.Contains(tenantId)) return true;
        if (_identityTenants is not null && ReadIdentitiesAgain() && _identities.Contains(tenantId)) return true;
        return _hasStoredData?.Invoke(tenantId) == true;
    }

    /// <summary>Reads the identities' tenants when the last read is older than <see cref="RefreshInterval"/>; true when it read.</summary>
    private bool ReadIdentitiesAgain()
    {
        var now = Environment.TickCount64;
        lock (_refresh)
        {
            if (now - _lastRead < RefreshInterval.TotalMilliseconds) return false;
            _lastRead = now;
        }
        var read = _identityTenants!(CancellationToken.None).GetAwaiter().GetResult();
        _identities = new HashSet<string>(read.Where(t => t != "*"), StringComparer.Ordinal);
        return true;
    }
}
