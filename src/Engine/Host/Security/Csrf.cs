using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace EGov.Workflows.Host.Security;

/// <summary>
/// CSRF protection for requests a browser sends with its cookies (double submit): the server sets a random token in the
/// cookie <c>XSRF-TOKEN</c>, readable by the pages' script; a state-changing request must send the same value in the
/// header <c>X-XSRF-TOKEN</c> or the form field <c>__RequestVerificationToken</c>. Another site can make a browser send
/// the cookie, but cannot read it. On top, a request whose <c>Origin</c> is another site is refused.
/// </summary>
public static class Csrf
{
    public const string CookieName = "XSRF-TOKEN", HeaderName = "X-XSRF-TOKEN", FormField = "__RequestVerificationToken";

    /// <summary>Endpoint metadata: a protocol endpoint that other parties post to (OIDC token endpoint): no CSRF token.</summary>
    public sealed record Exempt;

    public static bool IsUnsafe(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>Sets the token cookie when the browser has none (pages call this, so the forms and fetches find it).</summary>
    public static void EnsureCookie(HttpContext http, bool secure)
    {
        if (http.Request.Cookies.ContainsKey(CookieName)) return;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = false, SameSite = SameSiteMode.Strict, Secure = secure || http.Request.IsHttps, Path = "/", IsEssential = true,
        });
    }

    /// <summary>Null when the request carries the token (and no foreign origin); else why not.</summary>
    public static async Task<string?> ProblemAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.Origin.ToString() is { Length: > 0 } origin && origin != "null"
            && !string.Equals(origin.TrimEnd('/'), $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
            return $"the request comes from another site ({origin})";
        var cookie = request.Cookies[CookieName];
        if (string.IsNullOrEmpty(cookie)) return "the CSRF cookie XSRF-TOKEN is missing (load a page first)";
        string? sent = request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(sent) && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(http.RequestAborted);
            sent = form[FormField].ToString();
        }
        if (string.IsNullOrEmpty(sent)) return $"the CSRF token is missing: send the cookie {CookieName}'s value in the header {HeaderName} or the form field {FormField}";
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(sent), System.Text.Encoding.UTF8.GetBytes(cookie))
            ? null : "the CSRF token does not match the cookie";
    }
}
