using System.Security.Cryptography;
using EGov.Workflows.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Accounts;

/// <summary>What a local account is, as the CLI, the admin API and the sign-in see it (never its password hash).</summary>
public sealed record AccountInfo(
    string Name, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, IReadOnlyList<string> Tenants,
    bool Disabled, bool MustChangePassword, bool LockedOut, string? Email, bool EmailOnAssignment);

/// <summary>A new account: the name and what it may do.</summary>
public sealed record NewAccount(string Name, string? DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, IReadOnlyList<string> Tenants);

/// <summary>The answer of a password check.</summary>
public enum PasswordCheck { Ok, MustChangePassword, Wrong, LockedOut, Disabled }

/// <summary>Refused: an account or client of that name exists already.</summary>
public sealed class NameTakenException(string message) : Exception(message);

/// <summary>
/// Local accounts of the embedded provider: created with a password or a printed one-time password (which the first
/// sign-in must change), hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2); five wrong
/// passwords lock the account for five minutes; disabled accounts cannot sign in.
/// </summary>
public sealed class AccountStore(IdentityDatabase database, TimeProvider? time = null)
{
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(5);
    public const int MinPasswordLength = 10;

    private static readonly PasswordHasher<AccountRow> Hasher = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates an account; answers the one-time password when none was given (print it once, it is not stored in clear).</summary>
    public async Task<string?> CreateAsync(NewAccount account, string? password, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!IsValidName(account.Name)) throw new ArgumentException($"'{account.Name}' is not a valid user name: 1–64 letters, digits, '.', '-', '_' or '@'");
        if (password is not null && PasswordProblem(password) is { } problem) throw new ArgumentException(problem);
        await using var db = database.CreateContext();
        var normalized = Normalize(account.Name);
        if (await db.Accounts.AnyAsync(a => a.NormalizedName == normalized, cancel))
            throw new NameTakenException($"an account named '{account.Name}' exists already");
        var oneTime = password is null ? NewOneTimePassword() : null;
        var row = new AccountRow
        {
            Name = account.Name, NormalizedName = normalized, DisplayName = account.DisplayName,
            Roles = Join(account.Roles), Groups = Join(account.Groups), Tenants = Join(account.Tenants),
            MustChangePassword = oneTime is not null, CreatedAt = NowMs,
        };
        row.PasswordHash = Hasher.HashPassword(row, password ?? oneTime!);
        db.Accounts.Add(row);
        try { await db.SaveChangesAsync(cancel); }
        catch (DbUpdateException) { throw new NameTakenException($"an account named '{account.Name}' exists already"); }
        return oneTime;
    }

    public async Task<bool> AnyAsync(CancellationToken cancel = default)
    {
        await using var db = database.CreateContext();
        return await db.Accounts.AnyAsync(cancel);
    }

    public async Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken cancel = default)
    {
        await using var db = database.CreateContext();
        var rows = await db.Accounts.AsNoTracking().OrderBy(a => a.NormalizedName).ToListAsync(cancel);
        return rows.Select(Info).ToList();
    }

    /// <summary>One page of the accounts (by name) and how many there are: read and counted in SQL, never the whole list.</summary>
    public async Task<(IReadOnlyList<AccountInfo> Items, long Total)> PageAsync(int offset, int limit, CancellationToken cancel = default)
    {
        await using var db = database.CreateContext();
        var total = await db.Accounts.LongCountAsync(cancel);
        if (total <= offset) return ([], total);
        var rows = await db.Accounts.AsNoTracking().OrderBy(a => a.NormalizedName).Skip(offset).Take(limit).ToListAsync(cancel);
        return (rows.Select(Info).ToList(), total);
    }

    public async Task<AccountInfo?> FindAsync(string name, CancellationToken cancel = default)
    {
        await using var db = database.CreateContext();
        var normalized = Normalize(name);
        var row = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, cancel);
        return row is null ? null : Info(row);
    }

    /// <summary>Disables or enables an account; false when there is none of that name.</summary>
    public Task<bool> SetDisabledAsync(string name, bool disabled, CancellationToken cancel = default) =>
        UpdateAsync(name, row => row.Disabled = disabled, cancel);

    /// <summary>Sets a new password (null: a new one-time password, answered); also lifts a lockout.</summary>
    public async Task<(bool Found, string? OneTimePassword)> SetPasswordAsync(string name, string? password, CancellationToken cancel = default)
    {
        if (password is not null && PasswordProblem(password) is { } problem) throw new ArgumentException(problem);
        var oneTime = password is null ? NewOneTimePassword() : null;
        var found = await UpdateAsync(name, row =>
        {
            row.PasswordHash = Hasher.HashPassword(row, password ?? oneTime!);
            row.MustChangePassword = oneTime is not null;
            row.FailedAttempts = 0;
            row.LockedUntil = null;
        }, cancel);
        return (found, found ? oneTime : null);
    }

    /// <summary>
    /// The person's own settings (e-mail on assignment). A person of an external provider has no local account yet: a
    /// row without password is made for the settings (it cannot sign in here).
    /// </summary>
    public async Task SaveSettingsAsync(string name, string? email, bool emailOnAssignment, CancellationToken cancel = default)
    {
        if (await UpdateAsync(name, row => { row.Email = email; row.EmailOnAssignment = emailOnAssignment; }, cancel)) return;
        await using var db = database.CreateContext();
        db.Accounts.Add(new AccountRow
        {
            Name = name, NormalizedName = Normalize(name), Email = email, EmailOnAssignment = emailOnAssignment, CreatedAt = NowMs,
        });
        try { await db.SaveChangesAsync(cancel); }
        catch (DbUpdateException) { await UpdateAsync(name, row => { row.Email = email; row.EmailOnAssignment = emailOnAssignment; }, cancel); }
    }

    /// <summary>
    /// Checks a password at sign-in: counts failures, locks after <see cref="MaxFailedAttempts"/> for <see cref="LockoutTime"/>
    /// (a locked account is refused even with the right password), resets the count on success.
    /// </summary>
    public async Task<(PasswordCheck Result, AccountInfo? Account)> CheckPasswordAsync(string name, string password, CancellationToken cancel = default)
    {
        await using var db = database.CreateContext();
        var normalized = Normalize(name);
        var row = await db.Accounts.AsTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, cancel);
        if (row is null || row.PasswordHash is null)
        {
            // The same work as for an existing account, so the answer's time does not tell whether the name exists.
            Hasher.VerifyHashedPassword(new AccountRow(), DummyHash, password);
            return (PasswordCheck.Wrong, null);
        }
        if (row.Disabled) return (PasswordCheck.Disabled, Info(row));
        var now = NowMs;
        if (row.LockedUntil is { } until && until > now) return (PasswordCheck.LockedOut, Info(row));
        var verdict = Hasher.VerifyHashedPassword(row, row.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            row.FailedAttempts = row.LockedUntil is { } past && past <= now ? 1 : row.FailedAttempts + 1;
            row.LockedUntil = row.FailedAttempts >= MaxFailedAttempts ? now + (long)LockoutTime.TotalMilliseconds : null;
            await db.SaveChangesAsync(cancel);
            return (row.LockedUntil is not null ? PasswordCheck.LockedOut : PasswordCheck.Wrong, Info(row));
        }
        row.FailedAttempts = 0;
        row.LockedUntil = null;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded) row.PasswordHash = Hasher.HashPassword(row, password);
        await db.SaveChangesAsync(cancel);
        return (row.MustChangePassword ? PasswordCheck.MustChangePassword : PasswordCheck.Ok, Info(row));
    }

    /// <summary>What is wrong with a new password (German, for the page), or null.</summary>
    public static string? PasswordProblem(string password) =>
        string.IsNullOrWhiteSpace(password) || password.Length < MinPasswordLength
            ? $"Das Passwort muss mindestens {MinPasswordLength} Zeichen lang sein."
            : password.Length > 256 ? "Das Passwort darf höchstens 256 Zeichen lang sein." : null;

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@');

    private async Task<bool> UpdateAsync(string name, Action<AccountRow> change, CancellationToken cancel)
    {
        await using var db = database.CreateContext();
        var normalized = Normalize(name);
        var row = await db.Accounts.AsTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, cancel);
        if (row is null) return false;
        change(row);
        await db.SaveChangesAsync(cancel);
        return true;
    }

    private AccountInfo Info(AccountRow r) => new(r.Name, r.DisplayName, Split(r.Roles), Split(r.Groups), Split(r.Tenants),
        r.Disabled, r.MustChangePassword, r.LockedUntil is { } u && u > NowMs, r.Email, r.EmailOnAssignment);

    private static readonly string DummyHash = Hasher.HashPassword(new AccountRow(), "no account has this password");

    internal static string Normalize(string name) => name.Trim().ToUpperInvariant();
    internal static string Join(IEnumerable<string> values) => string.Join(',', values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal));
    internal static IReadOnlyList<string> Split(string? values) =>
        string.IsNullOrEmpty(values) ? [] : values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>16 characters without look-alikes (no 0/O, 1/l/I), about 90 bits.</summary>
    public static string NewOneTimePassword()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 16);
    }
}
