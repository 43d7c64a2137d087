using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace EGov.Workflows.Host.Security;

/// <summary>The page that replaces a one-time password (server-rendered: it is part of the provider, not of the web pages).</summary>
internal static class PasswordPage
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Html(string csrfToken, string returnUrl, string? error)
    {
        static string E(string s) => Encoder.Encode(s);
        var alert = error is null ? "" : $"<p id=\"fehler\" class=\"message message-alert\" role=\"alert\">{E(error)}</p>";
        var invalid = error is null ? "" : " aria-invalid=\"true\" aria-describedby=\"fehler\"";
        return $$"""
            <!doctype html>
            <html lang="de">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Neues Passwort – EGov Workflows</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; }
              main { max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
              label { display: block; font-weight: 600; margin-top: 1rem; }
              input { font: inherit; width: 100%; padding: .5rem; border: 1px solid #555; border-radius: 4px; box-sizing: border-box; }
              button { font: inherit; margin-top: 1.5rem; padding: .6rem 1.2rem; background: #00528a; color: #fff; border: 0; border-radius: 4px; }
              :focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
              .message-alert { color: #8a1c1c; border-left: 4px solid #8a1c1c; padding: .5rem 1rem; background: #fbeaea; }
            </style></head>
            <body><main id="inhalt">
            <h1>Neues Passwort festlegen</h1>
            {{alert}}
            <p>Sie haben sich mit einem Einmalpasswort angemeldet. Bitte legen Sie jetzt Ihr eigenes Passwort fest (mindestens {{Identity.Accounts.AccountStore.MinPasswordLength}} Zeichen).</p>
            <form method="post" action="/anmelden/passwort">
              <label for="neu">Neues Passwort</label>
              <input id="neu" name="neu" type="password" autocomplete="new-password" required{{invalid}}>
              <label for="wiederholung">Neues Passwort wiederholen</label>
              <input id="wiederholung" name="wiederholung" type="password" autocomplete="new-password" required{{invalid}}>
              <input type="hidden" name="ReturnUrl" value="{{E(returnUrl)}}">
              <input type="hidden" name="{{Csrf.FormField}}" value="{{E(csrfToken)}}">
              <button type="submit">Passwort speichern</button>
            </form>
            </main></body></html>
            """;
    }
}
