namespace EGov.Workflows.Identity.Data;

/// <summary>A local account of the embedded provider (a person: clerk, team lead, administrator …).</summary>
public sealed class AccountRow
{
    /// <summary>The user name as given (the caller id in history and task assignments).</summary>
    public string Name { get; set; } = "";
    /// <summary>Upper-case invariant name: names are unique regardless of case.</summary>
    public string NormalizedName { get; set; } = "";
    public string? DisplayName { get; set; }
    /// <summary>ASP.NET Core Identity's password hash (PBKDF2, versioned format); null: no password set.</summary>
    public string? PasswordHash { get; set; }
    /// <summary>Comma-separated lists.</summary>
    public string Groups { get; set; } = "";
    public string Roles { get; set; } = "";
    public string Tenants { get; set; } = "";
    public bool Disabled { get; set; }
    public int FailedAttempts { get; set; }
    /// <summary>Unix milliseconds until which sign-in is refused after too many wrong passwords.</summary>
    public long? LockedUntil { get; set; }
    /// <summary>A one-time password: the next sign-in must choose a new one.</summary>
    public bool MustChangePassword { get; set; }
    public string? Email { get; set; }
    public bool EmailOnAssignment { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>An RSA key of the embedded provider (signing tokens, encrypting codes), kept so tokens survive restarts and nodes.</summary>
public sealed class ServerKeyRow
{
    /// <summary><c>signing</c> or <c>encryption</c> (one of each today; rotation adds rows).</summary>
    public string Id { get; set; } = "";
    public string Use { get; set; } = "";
    /// <summary>The private key, PKCS#8, base64.</summary>
    public string Pkcs8 { get; set; } = "";
    public long CreatedAt { get; set; }
}

/// <summary>A browser session (backend-for-frontend): the protected authentication ticket with its tokens; the cookie holds only the id.</summary>
public sealed class WebSessionRow
{
    public string Id { get; set; } = "";
    public string? AccountId { get; set; }
    public byte[] Ticket { get; set; } = [];
    public long ExpiresAt { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>An ASP.NET Core data protection key (cookies, sessions), shared by every node of the installation.</summary>
public sealed class DataProtectionKeyRow
{
    public string Id { get; set; } = "";
    public string Xml { get; set; } = "";
}
