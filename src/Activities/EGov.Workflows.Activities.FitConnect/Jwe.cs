using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Jose;

namespace EGov.Workflows.Activities.FitConnect;

/// <summary>
/// JWE as FIT-Connect uses it (jose-jwt): compact serialisation, key wrap <c>RSA-OAEP-256</c> with the destination's
/// public key, content encryption <c>A256GCM</c>, the key's <c>kid</c> and the content type (<c>cty</c>) in the header.
/// </summary>
public static class Jwe
{
    /// <summary>Encrypts <paramref name="plaintext"/> for the public key <paramref name="jwk"/>.</summary>
    public static string Encrypt(byte[] plaintext, JsonObject jwk, string contentType)
    {
        using var rsa = PublicKey(jwk);
        var headers = new Dictionary<string, object> { ["kid"] = (string?)jwk["kid"] ?? "", ["cty"] = contentType };
        return JWT.EncodeBytes(plaintext, rsa, JweAlgorithm.RSA_OAEP_256, JweEncryption.A256GCM, extraHeaders: headers);
    }

    /// <summary>Decrypts a compact JWE with the private key (only RSA-OAEP-256 / A256GCM are accepted).</summary>
    public static byte[] Decrypt(string token, RSA privateKey) =>
        JWT.DecryptBytes(token, privateKey, JweAlgorithm.RSA_OAEP_256, JweEncryption.A256GCM);

    /// <summary>The RSA public key of a JWK (<c>kty RSA</c>, <c>n</c>, <c>e</c>).</summary>
    public static RSA PublicKey(JsonObject jwk)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        if ((string?)jwk["kty"] != "RSA") throw new CryptographicException("the key is not an RSA key (kty)");
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = B64(jwk, "n"), Exponent = B64(jwk, "e") });
        return rsa;
    }

    /// <summary>The public JWK of an RSA key, for key wrapping (<c>key_ops [wrapKey]</c>, <c>alg RSA-OAEP-256</c>).</summary>
    public static JsonObject PublicJwk(RSA rsa, string kid)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        var p = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["kid"] = kid, ["alg"] = "RSA-OAEP-256", ["key_ops"] = new JsonArray("wrapKey"),
            ["n"] = Base64Url.Encode(p.Modulus!), ["e"] = Base64Url.Encode(p.Exponent!),
        };
    }

    private static byte[] B64(JsonObject jwk, string name) =>
        jwk[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? Base64Url.Decode(s) : throw new CryptographicException($"the key has no '{name}'");
}
