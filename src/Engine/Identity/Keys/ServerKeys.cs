using System.Security.Cryptography;
using EGov.Workflows.Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace EGov.Workflows.Identity.Keys;

/// <summary>
/// The embedded provider's RSA keys: one to sign tokens, one to encrypt authorization codes and refresh tokens. Created
/// on first start and kept in the database, so tokens stay valid across restarts and on every node of a cluster.
/// </summary>
public static class ServerKeys
{
    public const string Signing = "signing", Encryption = "encryption";

    public static async Task<(RsaSecurityKey Signing, RsaSecurityKey Encryption)> LoadOrCreateAsync(IdentityDatabase database, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        return (await KeyAsync(database, Signing, cancel), await KeyAsync(database, Encryption, cancel));
    }

    private static async Task<RsaSecurityKey> KeyAsync(IdentityDatabase database, string id, CancellationToken cancel)
    {
        await using (var db = database.CreateContext())
            if (await db.ServerKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancel) is { } row) return ToKey(row);
        using (var rsa = RSA.Create(2048))
        {
            await using var db = database.CreateContext();
            db.ServerKeys.Add(new ServerKeyRow
            {
                Id = id, Use = id == Signing ? "sig" : "enc", Pkcs8 = Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()),
                CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            });
            try { await db.SaveChangesAsync(cancel); }
            catch (DbUpdateException) { /* another node created it first: take theirs */ }
        }
        await using (var db = database.CreateContext())
            return ToKey(await db.ServerKeys.AsNoTracking().FirstAsync(k => k.Id == id, cancel));
    }

    private static RsaSecurityKey ToKey(ServerKeyRow row)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(row.Pkcs8), out _);
        var modulus = rsa.ExportParameters(false).Modulus!;
        return new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(modulus))[..22] };
    }
}
