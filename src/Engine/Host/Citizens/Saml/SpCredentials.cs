using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>
/// This service provider's keys: one signs the AuthnRequests, one receives the encrypted assertions. Created on first use
/// and kept in the engine's database beside the OpenID provider's keys (<c>identity_keys</c>), so every node and every
/// restart publishes the same metadata. The certificates are self-signed (BundID trusts the metadata, not a CA) and made
/// again from the stored key on every start, byte for byte the same: fixed serial and validity, and RSA PKCS#1 v1.5
/// signatures are deterministic.
/// </summary>
public sealed class SpCredentials
{
    public const string SigningId = "saml-signing", EncryptionId = "saml-encryption";

    private SpCredentials(X509Certificate2 signing, X509Certificate2 encryption)
    {
        Signing = signing;
        Encryption = encryption;
    }

    /// <summary>With its private key.</summary>
    public X509Certificate2 Signing { get; }
    /// <summary>With its private key.</summary>
    public X509Certificate2 Encryption { get; }

    public static async Task<SpCredentials> LoadOrCreateAsync(IdentityDatabase database, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new SpCredentials(await CertificateAsync(database, SigningId, cancel), await CertificateAsync(database, EncryptionId, cancel));
    }

    private static async Task<X509Certificate2> CertificateAsync(IdentityDatabase database, string id, CancellationToken cancel)
    {
        ServerKeyRow? row;
        await using (var db = database.CreateContext())
            row = await db.ServerKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancel);
        if (row is null)
        {
            using (var fresh = RSA.Create(3072))
            {
                await using var db = database.CreateContext();
                db.ServerKeys.Add(new ServerKeyRow
                {
                    Id = id, Use = id == SigningId ? "sig" : "enc", Pkcs8 = Convert.ToBase64String(fresh.ExportPkcs8PrivateKey()),
                    CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                });
                try { await db.SaveChangesAsync(cancel); }
                catch (DbUpdateException) { /* another node was first: take theirs */ }
            }
            await using (var db = database.CreateContext())
                row = await db.ServerKeys.AsNoTracking().FirstAsync(k => k.Id == id, cancel);
        }
        var rsa = RSA.Create(); // owned by the certificate from here on
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(row.Pkcs8), out _);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt);
        var notBefore = new DateTimeOffset(created.Year, created.Month, created.Day, 0, 0, 0, TimeSpan.Zero);
        var name = new X500DistinguishedName($"CN=EGov.Workflows SAML {(id == SigningId ? "signing" : "encryption")}");
        var request = new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            id == SigningId ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var serial = SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())[..16];
        serial[0] &= 0x7F; // a positive serial number
        using var publicOnly = request.Create(name, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1), notBefore, notBefore.AddYears(10), serial);
        return publicOnly.CopyWithPrivateKey(rsa);
    }
}
